import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# A few hand-written sentences per label: enough to train a small model fast.
TINY = {
    "economy": ["完成工业总产值120亿元。", "新签约亿元以上项目6个。", "招商引资到位资金8亿元。", "规上工业企业新增5家。"],
    "agriculture": ["新建高标准农田3000亩。", "粮食总产稳定在5万吨。", "培育家庭农场12家。", "村集体经营性收入全部超过20万元。"],
    "environment": ["完成农村户厕改造500户。", "河道水质稳定达到三类。", "生活垃圾分类覆盖所有村。", "PM2.5平均浓度下降8%。"],
    "safety": ["排查整改安全隐患210条。", "开展防汛应急演练3次。", "电信诈骗发案数下降20%。", "检查危化品企业16家。"],
    "livelihood": ["新增城镇就业800人。", "中心小学新建教学楼投入使用。", "发放低保资金300万元。", "卫生院签约家庭医生服务1万人。"],
    "governance": ["扎实开展党纪学习教育。", "化解信访积案7件。", "便民服务中心办件1.5万件。", "调解矛盾纠纷120起。"],
    "other": ["各位代表：", "一、上半年工作回顾", "下半年，重点做好以下工作。", "打印本页 关闭窗口"],
}


def run_cli(*argv, stdin=None):
    """Run the command line in this process: (exit status, standard output, standard error).

    ``stdin``: the bytes the command reads as standard input (the path ``-``).
    """
    import io

    from policytext.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err, stdin=None if stdin is None else io.BytesIO(stdin))
    return code, out.getvalue(), err.getvalue()


def with_file_size_limit(script, limit):
    """Run ``script`` in a new Python whose files may not grow past ``limit`` bytes once it has run its imports, as on a full disk.

    ``script`` is code with a line ``LIMIT_FILE_SIZE`` after its imports;
    from there a write past the limit fails with OSError (EFBIG, "File too
    large"), and SIGXFSZ is ignored. Returns the finished process.
    """
    import subprocess
    import sys

    limit_line = (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({int(limit)}, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))"
    )
    assert script.count("LIMIT_FILE_SIZE") == 1
    return subprocess.run([sys.executable, "-c", script.replace("LIMIT_FILE_SIZE", limit_line)], cwd=REPO, capture_output=True, text=True, timeout=120)


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "tiny.jsonl"
    return write_jsonl(path, [{"text": t, "label": label} for label, texts in TINY.items() for t in texts])


@pytest.fixture(scope="session")
def tiny_model(tiny_corpus):
    from policytext.train import train_corpus

    return train_corpus(tiny_corpus)


@pytest.fixture(scope="session")
def shared():
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it is not part of a clone)")
    return SHARED
