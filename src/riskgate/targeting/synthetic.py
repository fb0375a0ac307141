"""A synthetic declaration stream for the demo and for trying the screening API: deterministic (seeded) declaration
items in the exchange format, most of them ordinary goods, some of them goods the demo warnings concern, so that
screening produces hits, samples and random selections."""

import datetime as dt
import random

# (HS code, description, origin, typical value): ordinary goods, then goods of the demo warnings' scope.
ORDINARY = [
    ("8471300000", "便携式笔记本电脑 portable computer", "CN", 4200),
    ("6403990090", "皮革鞋靴 leather shoes", "VN", 380),
    ("0805100000", "鲜橙 fresh oranges", "ZA", 9000),
    ("9503008900", "塑料积木玩具 plastic building blocks", "DK", 1500),
    ("8516310000", "电吹风 hair dryer", "DE", 650),
    ("3304990000", "护肤霜 skin cream", "FR", 2100),
    ("8708295900", "汽车车身零件 car body parts", "JP", 12000),
    ("6109100000", "棉制T恤 cotton T-shirts", "BD", 800),
    ("2204210000", "葡萄酒 red wine", "AU", 5400),
    ("4412330000", "胶合板 plywood", "RU", 16000),
    ("8507600090", "锂离子蓄电池 lithium-ion battery cells", "KR", 7200),
    ("0901210000", "焙炒咖啡 roasted coffee", "IT", 3100),
]
CONCERNED = [
    ("9403609990", "布艺抽屉柜 fabric drawer dresser YaFiti", "CN", 900),
    ("9403609990", "儿童布艺斗柜 WLIVE fabric dresser", "CN", 640),
    ("0904220000", "辣椒粉 paprika powder", "CN", 2600),
    ("3912390000", "羟丙甲纤维素 HPMC E15", "CN", 8800),
    ("8507600090", "锂离子移动电源 power bank", "CN", 1500),
]
PORTS = ["CNXIY", "CNXAR", "CNSFH", "CNCKG"]


def declarations(
    count: int,
    *,
    seed: int = 20261201,
    start: dt.datetime | None = None,
    enterprises: list[str] | None = None,
    prefix: str = "DEMO",
) -> list[dict]:
    """`count` items in declarations of one to four items, declared over the 60 days before `start`."""
    rng = random.Random(seed)
    start = start or dt.datetime.now(dt.UTC)
    enterprises = enterprises or ["6101930001"]
    items: list[dict] = []
    number = 0
    while len(items) < count:
        number += 1
        declared_at = start - dt.timedelta(seconds=rng.randrange(60 * 86400))
        enterprise = rng.choice(enterprises)
        port = rng.choice(PORTS)
        for item_no in range(1, min(rng.randint(1, 4), count - len(items)) + 1):
            hs_code, description, origin, value = rng.choice(CONCERNED if rng.random() < 0.12 else ORDINARY)
            items.append(
                {
                    "declaration_id": f"{prefix}{declared_at:%Y%m%d}{number:06d}",
                    "item_no": item_no,
                    "direction": "import",
                    "hs_code": hs_code,
                    "origin_country": origin,
                    "enterprise_ids": [enterprise],
                    "port": port,
                    "description": description,
                    "value": round(value * rng.uniform(0.3, 3), 2),
                    "declared_at": declared_at.isoformat(timespec="seconds"),
                }
            )
    return items
