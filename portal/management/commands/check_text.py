"""Check a plain-text draft against the content-safety word lists.

    manage.py check_text draft.txt     (or - for standard input)

Prints one line per finding, `line:column severity span → suggestion`, where span is the whole
text found (an injected run from its first to its last suspicious word), and exits with status 1
when any finding is blocking, so scripts and editors can refuse the draft.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from portal import content_safety


class Command(BaseCommand):
    help = "检查纯文本稿件中的错敏字和违规内容；有阻断项时退出状态为 1"

    def add_arguments(self, parser):
        parser.add_argument("file", help="文本文件路径，- 表示标准输入")

    def handle(self, *args, file, **options):
        if file == "-":
            text = sys.stdin.read()
        else:
            try:
                with open(file, encoding="utf-8-sig") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"无法读取文件 {file}：{exc}") from exc
        findings = content_safety.scan_text(text)
        for finding in findings:
            span = " ".join(finding.matched.split("\n"))
            line = f"{finding.line}:{finding.column} {finding.severity_label} {span}"
            if finding.suggestion:
                line += f" → {finding.suggestion}"
            elif finding.note:
                line += f" → {finding.note}"
            self.stdout.write(line)
        blocking = sum(f.is_blocking for f in findings)
        self.stderr.write(
            f"共 {len(findings)} 处：阻断 {blocking} 处，警告 {len(findings) - blocking} 处"
        )
        if blocking:
            sys.exit(1)
