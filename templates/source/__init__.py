"""Reproducible source of the default template pack: python-docx code that writes templates/<kind>.docx."""
