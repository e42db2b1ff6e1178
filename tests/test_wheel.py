"""A wheel built from the repository carries cypher/, datasets/ and the compiled catalogues, and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_finds_cypher_and_datasets_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True)
    (wheel,) = wheels.glob("instnet-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True)
    code = (
        "import instnet, instnet.io.resources as r\n"
        "from instnet.render.html import map_html\n"
        "assert instnet.__file__.startswith(%r), instnet.__file__\n"
        "assert r.cypher_dir().parent.name == '_data' and r.cypher('schema')\n"
        "eco = instnet.read_dataset('jamaica')\n"
        "assert '<html' in map_html(eco).lower()\n"
        "from instnet.i18n import set_language, _\n"
        "set_language('es')\n"
        "assert _('Show this message and exit.') == 'Mostrar este mensaje y salir.'\n"
        "assert '<html lang=\"es\">' in map_html(eco)\n"
        "print(len(eco.actors))\n"
    ) % str(target)
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True)
    from instnet import read_dataset

    assert out.stdout.strip() == str(len(read_dataset(ROOT / "datasets" / "jamaica").actors))
