"""Write openapi.yaml from the app, so the file always equals what the service serves."""

import json
from pathlib import Path
from typing import Any

import yaml

from app.main import create_app

TARGET = Path(__file__).resolve().parents[1] / "openapi.yaml"


def served_spec() -> dict[str, Any]:
    # Round-trip through JSON so the YAML holds exactly what /openapi.json sends.
    spec: dict[str, Any] = json.loads(json.dumps(create_app().openapi()))
    return spec


def render(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)


def main() -> None:
    TARGET.write_text(render(served_spec()), encoding="utf-8")
    print(f"wrote {TARGET.name}")


if __name__ == "__main__":
    main()
