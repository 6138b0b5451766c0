"""Audit the pinned dependencies for known vulnerabilities, and never call an audit that did not
run a pass.

pip-audit prints "No known vulnerabilities found" and exits 0 when it could audit none of the pins
(the advisory service unreachable: every dependency is "skipped"). This command reads pip-audit's
JSON and decides itself:

- exit 0: every pin was audited and none has a known vulnerability;
- exit 1: a pin has a known vulnerability, or some pins could not be audited;
- exit 3: no pin could be audited (the advisory service is unreachable): one clear line says so,
  and it is not a pass. CI reports that as "not run" and goes on; a developer sees the same line.
"""

import json
import subprocess  # noqa: S404 — runs pip-audit from this virtualenv, no shell
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

NOT_RUN = 3


class Command(BaseCommand):
    help = (
        "审计 requirements.txt 中固定版本的依赖是否有已知漏洞（pip-audit）；"
        "未能审计时明确说明，绝不报告通过。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requirements",
            default=str(Path(settings.BASE_DIR) / "requirements.txt"),
            help="要审计的 requirements 文件",
        )
        parser.add_argument(
            "--report",
            help="读取已有的 pip-audit JSON 报告（pip-audit -f json 的输出），不再运行 pip-audit",
        )

    def handle(self, *args, requirements, report, **options):
        data = self._report(requirements, report)
        dependencies = data.get("dependencies", [])
        if not dependencies:
            raise CommandError("pip-audit 没有列出任何依赖：审计没有运行，不能视为通过。")
        skipped = [d for d in dependencies if d.get("skip_reason")]
        audited = [d for d in dependencies if not d.get("skip_reason")]
        vulnerable = [d for d in audited if d.get("vulns")]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixes = "、".join(vuln.get("fix_versions") or []) or "暂无修复版本"
                self.stdout.write(
                    f"{dependency['name']} {dependency.get('version', '')}: {vuln.get('id')}"
                    f"（修复版本：{fixes}）"
                )
        if not audited:
            reason = skipped[0]["skip_reason"] if skipped else ""
            self.stderr.write(
                f"依赖漏洞审计未能运行：{len(skipped)} 个依赖均未审计（漏洞库不可达：{reason}）。"
                "这不是“无已知漏洞”。"
            )
            sys.exit(NOT_RUN)
        if vulnerable:
            raise CommandError(
                f"{len(vulnerable)} 个依赖有已知漏洞（已审计 {len(audited)} 个，见上）。"
            )
        if skipped:
            names = "、".join(d["name"] for d in skipped)
            raise CommandError(
                f"已审计 {len(audited)} 个依赖，无已知漏洞；但 {len(skipped)} 个未能审计：{names}。"
                "审计不完整，不能视为通过。"
            )
        self.stdout.write(f"已审计全部 {len(audited)} 个依赖，无已知漏洞。")

    def _report(self, requirements, report):
        if report:
            text = Path(report).read_text(encoding="utf-8")
        else:
            pip_audit = Path(sys.executable).with_name("pip-audit")
            completed = subprocess.run(  # noqa: S603 — fixed argument list, our own virtualenv
                [
                    str(pip_audit),
                    "-r",
                    requirements,
                    "--progress-spinner",
                    "off",
                    "-f",
                    "json",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            text = completed.stdout
            if not text.strip():
                raise CommandError(
                    f"pip-audit 没有输出结果（退出码 {completed.returncode}）："
                    f"{completed.stderr.strip()[-300:]}"
                )
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"pip-audit 的输出不是 JSON：{exc}") from exc
