"""make audit: a dependency audit that could not run is never reported as a pass."""

import json

import pytest
from django.core.management import CommandError, call_command


def _report(tmp_path, dependencies):
    path = tmp_path / "audit.json"
    path.write_text(json.dumps({"dependencies": dependencies, "fixes": []}), encoding="utf-8")
    return str(path)


UNREACHABLE = "Dependency not found on PyPI and could not be audited: django (6.1.3)"


def test_nothing_audited_is_not_run_and_says_so(tmp_path, capsys):
    report = _report(
        tmp_path,
        [{"name": "django", "skip_reason": UNREACHABLE}, {"name": "nh3", "skip_reason": "x"}],
    )
    with pytest.raises(SystemExit) as exc:
        call_command("audit_dependencies", report=report)
    assert exc.value.code == 3
    out = capsys.readouterr()
    assert "未能运行" in out.err and "2 个依赖均未审计" in out.err
    assert "这不是“无已知漏洞”" in out.err
    assert "无已知漏洞。" not in out.out


def test_a_known_vulnerability_fails(tmp_path, capsys):
    report = _report(
        tmp_path,
        [
            {
                "name": "django",
                "version": "6.1.0",
                "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["6.1.3"]}],
            },
            {"name": "nh3", "version": "0.3.7", "vulns": []},
        ],
    )
    with pytest.raises(CommandError, match="1 个依赖有已知漏洞"):
        call_command("audit_dependencies", report=report)
    assert "PYSEC-2026-1（修复版本：6.1.3）" in capsys.readouterr().out


def test_a_partial_audit_is_no_pass(tmp_path):
    report = _report(
        tmp_path,
        [
            {"name": "django", "version": "6.1.3", "vulns": []},
            {"name": "jieba", "skip_reason": UNREACHABLE},
        ],
    )
    with pytest.raises(CommandError, match="1 个未能审计：jieba"):
        call_command("audit_dependencies", report=report)


def test_an_empty_report_is_no_pass(tmp_path):
    with pytest.raises(CommandError, match="没有列出任何依赖"):
        call_command("audit_dependencies", report=_report(tmp_path, []))


def test_every_pin_audited_and_clean_passes(tmp_path, capsys):
    report = _report(
        tmp_path,
        [
            {"name": "django", "version": "6.1.3", "vulns": []},
            {"name": "nh3", "version": "0.3.7", "vulns": []},
        ],
    )
    call_command("audit_dependencies", report=report)
    assert "已审计全部 2 个依赖，无已知漏洞。" in capsys.readouterr().out
