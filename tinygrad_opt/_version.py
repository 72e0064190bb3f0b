"""The package version: from the installed package's metadata, else from ``setup.cfg`` next
to the source tree (a checkout used without installing), else ``"unknown"``."""
import configparser
import importlib.metadata
import pathlib


def _version():
    try:
        return importlib.metadata.version("tinygrad_opt")
    except importlib.metadata.PackageNotFoundError:
        pass
    parser = configparser.ConfigParser()
    parser.read(pathlib.Path(__file__).resolve().parents[1] / "setup.cfg")
    return parser.get("metadata", "version", fallback="unknown")


__version__ = _version()
