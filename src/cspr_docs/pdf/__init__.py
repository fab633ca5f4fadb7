"""PDF output: LibreOffice conversion (convert.py), packs, AES-256 encryption and fillable forms (pypdf)."""

from __future__ import annotations
