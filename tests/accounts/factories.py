"""Factories for organisations and users in tests."""

import itertools

import factory

from riskgate.accounts.demo import demo_uscc
from riskgate.accounts.models import Organisation, Role, User

_serial = itertools.count(1)


def fresh_uscc(region: str = "610100") -> str:
    """A valid, unused unified social credit code (organisation-code part counts up)."""
    return demo_uscc(region, f"MA{next(_serial):07d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = "direct_bureau"
    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"test-org-{n}")
    region_id = "610000"


class EnterpriseFactory(OrganisationFactory):
    kind = "enterprise"
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    code = factory.Sequence(lambda n: f"test-ent-{n}")
    uscc = factory.LazyFunction(fresh_uscc)
    region_id = "610100"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = factory.LazyFunction(lambda: Role.objects.get(code="bureau_officer"))
    password = factory.PostGenerationMethodCall("set_password", "RiskGate-demo-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
