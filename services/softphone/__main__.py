"""`python -m services.softphone bridge ...`, the same app `callops softphone` mounts."""

from services.softphone.cli import app

if __name__ == "__main__":
    app()
