"""Serves the JupyterLab test front end (build/, made by `npm run build`) with Debian's jupyterlab_server 2.16
on jupyter_server 1.23, as JupyterLab's examples/app/main.py does.

    /usr/bin/python3 server.py --state-dir DIR [--plotly-renderer] --ServerApp.ip=127.0.0.1 --ServerApp.port=N ...

--state-dir: user settings and workspaces go there (never into build/), so each run starts as a fresh install.
--plotly-renderer: the page also loads jupyterlab-plotly's renderer of application/vnd.plotly.v1+json.
--no-kernel: opening a notebook starts no kernel (for checks that only look at saved outputs).
Every other argument goes to jupyter_server.
"""
import json
import os
import sys

import jsonschema
import jupyterlab_server.settings_utils as settings_utils
from jupyterlab_server import LabServerApp

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")

# Debian's jupyterlab_server 2.16 checks settings against the plugin schemas with JSON Schema Draft 4, which has
# no `const`: every `oneOf` of JupyterLab 4's `const` alternatives then matches twice and fails, so those
# settings (the notebook's among them) are dropped. JupyterLab's schemas are Draft 7; validate them as such.
settings_utils.Validator = jsonschema.Draft7Validator

# Configuration files on disk must not change this app.
os.environ["JUPYTER_NO_CONFIG"] = "1"


def _take_option(name, has_value):
    """Removes `--name` (and its value) from sys.argv and returns the value (True for a flag, None if absent)."""
    for i, arg in enumerate(sys.argv):
        if arg == name:
            value = sys.argv[i + 1] if has_value else True
            del sys.argv[i : i + (2 if has_value else 1)]
            return value
        if has_value and arg.startswith(name + "="):
            del sys.argv[i]
            return arg.split("=", 1)[1]
    return None


STATE_DIR = _take_option("--state-dir", True)
PLOTLY_RENDERER = bool(_take_option("--plotly-renderer", False))
NO_KERNEL = bool(_take_option("--no-kernel", False))
if not STATE_DIR:
    sys.exit("server.py: --state-dir DIR is required (user settings and workspaces are written there)")
if not os.path.exists(os.path.join(BUILD, "bundle.js")):
    sys.exit(f"server.py: {BUILD}/bundle.js is missing: run `npm ci && npm run build` in {HERE}")

with open(os.path.join(HERE, "package.json")) as f:
    VERSION = json.load(f)["version"]


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": TestLabApp}]


class TestLabApp(LabServerApp):
    extension_url = "/lab"
    default_url = "/lab"
    name = "quantization_lesson_lab"
    load_other_extensions = False
    app_name = "JupyterLab (quantization-lesson tests)"
    app_version = VERSION
    # overrides.json: settings of a test install (no news or update checks: the tests are offline).
    app_settings_dir = os.path.join(HERE, "settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")
    user_settings_dir = os.path.join(STATE_DIR, "user_settings")
    workspaces_dir = os.path.join(STATE_DIR, "workspaces")
    notebook_starts_kernel = not NO_KERNEL

    def initialize_settings(self):
        super().initialize_settings()
        settings = self.serverapp.web_app.settings
        page_config = settings.setdefault("page_config_data", {})
        page_config["tsnbPlotlyRenderer"] = "true" if PLOTLY_RENDERER else "false"


if __name__ == "__main__":
    TestLabApp.launch_instance()
