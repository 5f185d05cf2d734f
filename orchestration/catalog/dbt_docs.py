"""The dbt docs site for BI users: every mart, column, test and exposure, as one static HTML file."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from orchestration.settings import PROFILES_DIR, PROJECT_DIR, ConfigError, Settings


def build_dbt_docs(settings: Settings, out_dir: Path) -> Path:
    """Run `dbt docs generate --static` against the warehouse and keep its single-file site in out_dir."""
    from orchestration.pipeline_defs import dbt_executable

    settings.export()  # dbt reads the warehouse path from the environment, as in a run
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as target:
        done = subprocess.run(
            [
                dbt_executable(),
                "docs",
                "generate",
                "--static",
                "--quiet",
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROFILES_DIR),
                "--target",
                settings.target,
                "--target-path",
                target,
            ],
            capture_output=True,
            text=True,
        )
        site = Path(target) / "static_index.html"
        if done.returncode != 0 or not site.exists():
            detail = (done.stdout + done.stderr).strip().splitlines()
            raise ConfigError(
                f"dbt docs generate failed ({detail[-1] if detail else 'no output'}): "
                "run `chargeback run` first so the warehouse exists, then retry"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        published = out_dir / "index.html"
        staged = out_dir / ".index.html.tmp"
        shutil.copyfile(site, staged)
        staged.replace(published)  # readers never see a half-written page
    return published
