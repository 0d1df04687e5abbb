"""``python -m kinerja_kernel.cli_relay``: the relay command without the console-script wrapper."""

from kinerja_kernel.cli import relay_app

if __name__ == "__main__":
    relay_app()
