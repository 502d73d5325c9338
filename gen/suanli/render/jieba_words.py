"""What Chinese search needs from the registry: a jieba user dictionary.

jieba's default dictionary cuts 英伟达 into 英 / 伟达 and 沪电股份 into 沪 / 电 / 股份, so a
search for 英伟达 would rank 英特尔 first. Every Han-script run of every company name and
alias goes into the dictionary with a high frequency, so it stays one token.
"""

from __future__ import annotations

import re

from suanli.contract import Registry

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")  # CJK ideographs: the runs jieba cuts
FREQUENCY = 100000


def jieba_user_dictionary(registry: Registry) -> str:
    words: dict[str, None] = {}
    for company in registry.companies:
        for label in (company.name, *company.aliases):
            for run in HAN.findall(label):
                if len(run) > 1:
                    words[run] = None
    return "".join(f"{word} {FREQUENCY} nz\n" for word in words)
