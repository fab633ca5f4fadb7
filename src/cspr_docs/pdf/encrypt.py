"""AES-256 encryption of output PDFs, and reading the password from an environment variable, a file or a prompt."""

from __future__ import annotations

import contextlib
import getpass
import io
import os
from pathlib import Path

from cspr_docs.errors import ExternalToolError, InputError
from cspr_docs.outputs import write_atomic

MIN_PASSWORD_LENGTH = 8
_MAX_PASSWORD_FILE_BYTES = 4096
MISSING_CRYPTOGRAPHY = (
    "cannot encrypt: the 'cryptography' package is missing (pip install cryptography); "
    "the unencrypted PDF was deleted"
)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def encrypt_pdf(path: Path, password: str) -> None:
    """Encrypt the PDF at `path` in place with AES-256 (the password opens it; it also grants all rights).

    The encrypted file replaces the plain one atomically. If encryption fails for any reason the plain PDF is
    deleted, so no unencrypted copy is left where an encrypted one was expected.

    Raises:
        ExternalToolError: the cryptography package is missing or encryption failed (exit 4).
    """
    import pypdf._crypt_providers as providers
    from pypdf import PdfReader, PdfWriter

    try:
        if providers.crypt_provider[0] != "cryptography":
            raise ExternalToolError(MISSING_CRYPTOGRAPHY)
        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(user_password=password, algorithm="AES-256")
        buffer = io.BytesIO()
        writer.write(buffer)
        write_atomic(path, buffer.getvalue(), force=True)
    except ExternalToolError:
        _remove(path)
        raise
    except BaseException as exc:
        _remove(path)
        if isinstance(exc, Exception):
            raise ExternalToolError(
                f"{path}: encryption failed ({type(exc).__name__}); the unencrypted PDF was deleted"
            ) from None
        raise


def _check(password: str, source: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"{source}: the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return password


def read_password(env_var: str | None, file: Path | None, prompt: bool) -> str:
    """The encryption password from exactly one source: an environment variable, a file (first line) or a prompt.

    Never a command-line argument (it would show in `ps` and shell history).

    Raises:
        InputError: no source or several, the variable is unset, the file unreadable, or the password too short.
    """
    sources = sum((env_var is not None, file is not None, prompt))
    if sources != 1:
        raise InputError(
            "give the PDF password through exactly one of --password-env VAR, --password-file FILE or --password-prompt"
        )
    if env_var is not None:
        value = os.environ.get(env_var)
        if not value:
            raise InputError(f"environment variable {env_var}: not set or empty (it should hold the PDF password)")
        return _check(value, f"environment variable {env_var}")
    if file is not None:
        try:
            if file.stat().st_size > _MAX_PASSWORD_FILE_BYTES:
                raise InputError(f"{file}: too large for a password file")
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise InputError(f"{file}: cannot read the password file ({reason})") from None
        lines = text.splitlines()
        return _check(lines[0] if lines else "", str(file))
    first = getpass.getpass("PDF password: ")
    if getpass.getpass("PDF password (again): ") != first:
        raise InputError("the two passwords typed differ")
    return _check(first, "password prompt")
