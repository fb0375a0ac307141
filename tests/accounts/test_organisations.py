"""Organisations as data: hierarchy rules, jurisdiction subtrees, credit codes, roles and their scopes."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from riskgate.accounts.models import Organisation, Role, User
from riskgate.core.permissions import Permission
from riskgate.core.validators import USCC_CHARSET, uscc_check_character, validate_customs_code, validate_uscc
from tests.accounts.factories import EnterpriseFactory, OrganisationFactory, UserFactory


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"])
def test_published_credit_codes_validate(code):
    validate_uscc(code)


@pytest.mark.parametrize(
    "code,error",
    [
        ("91350100M000100Y44", "uscc_check"),
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M00O100Y43", "uscc_charset"),
        ("9135A100M000100Y43", "uscc_charset"),
        ("91350100m000100y43", "uscc_charset"),
    ],
)
def test_malformed_credit_codes_are_refused(code, error):
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == error


@given(
    st.text(alphabet=USCC_CHARSET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),
    st.integers(0, 16),
    st.sampled_from(USCC_CHARSET),
)
def test_any_single_character_change_breaks_the_check(head, region, org, position, replacement):
    first17 = head + region + org
    code = first17 + uscc_check_character(first17)
    validate_uscc(code)
    if replacement == code[position] or (2 <= position < 8 and not replacement.isdigit()):
        return
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(mutated)


def test_customs_code_format():
    validate_customs_code("6101930001")
    for bad in ["610193000", "61019300011", "AB01930001", "6101 30001"]:
        with pytest.raises(ValidationError):
            validate_customs_code(bad)


def test_hierarchy_rules_are_enforced(world):
    with pytest.raises(ValidationError, match="parent"):
        Organisation(kind="inspection_body", name="x", code="x1", parent=world.org("gacc")).full_clean()
    with pytest.raises(ValidationError, match="uscc"):
        Organisation(kind="enterprise", name="x", code="x2", parent=world.org("xian-customs")).full_clean()
    with pytest.raises(ValidationError, match="agency_type"):
        Organisation(kind="partner_agency", name="x", code="x3").full_clean()
    with pytest.raises(ValidationError, match="agency_type"):
        Organisation(
            kind="direct_bureau", name="x", code="x4", parent=world.org("gacc"), agency_type="police"
        ).full_clean()


def test_database_refuses_an_enterprise_without_credit_code(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(kind="enterprise", name="x", code="no-uscc")


def test_path_follows_the_hierarchy(world):
    gacc, office, xian, xianyang = (
        world.org(c) for c in ["gacc", "gacc-warning-office", "xian-customs", "xianyang-customs"]
    )
    assert xianyang.path == f"/{gacc.pk}/{office.pk}/{xian.pk}/{xianyang.pk}/"
    assert xianyang.is_within(xian) and not xian.is_within(xianyang)


def test_moving_an_organisation_moves_its_subtree(world):
    """An inspection body transferred to another bureau takes its ports and enterprises with it."""
    xianyang, harbin = world.org("xianyang-customs"), world.org("harbin-customs")
    xianyang.parent = harbin
    xianyang.full_clean()
    xianyang.save()
    port = world.org("xian-airport-port")
    ent = world.org("ent-xian-trading")
    assert port.path.startswith(harbin.path) and ent.path.startswith(harbin.path)
    assert not Organisation.objects.visible_to(world.user("xian")).filter(pk=ent.pk).exists()
    assert Organisation.objects.visible_to(world.user("harbin")).filter(pk=ent.pk).exists()


def test_an_organisation_cannot_move_below_itself(world):
    xian = world.org("xian-customs")
    xian.parent = world.org("xianyang-customs")
    with pytest.raises(ValidationError):
        xian.full_clean()


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_subtree_scope_of_a_bureau(world):
    seen = codes(Organisation.objects.visible_to(world.user("xian")))
    assert {"xian-customs", "xianyang-customs", "xian-airport-port", "ent-xian-trading", "ent-baoji-toys"} <= seen
    assert not seen & {"gacc", "harbin-customs", "ent-harbin-timber", "sn-market-regulation", "caiq"}


def test_national_scope_sees_everything(world):
    assert Organisation.objects.visible_to(world.user("admin")).count() == Organisation.objects.count()
    assert Organisation.objects.visible_to(world.user("auditor")).count() == Organisation.objects.count()


def test_enterprise_user_sees_only_its_own_enterprise(world):
    assert codes(Organisation.objects.visible_to(world.user("enterprise"))) == {"ent-xian-trading"}


def test_partner_officer_sees_only_its_own_agency(world):
    assert codes(Organisation.objects.visible_to(world.user("partner"))) == {"sn-market-regulation"}


def test_assessor_without_assignments_sees_only_its_institution(world):
    assert codes(Organisation.objects.visible_to(world.user("assessor"))) == {"caiq"}


def test_user_without_organisation_or_role_sees_nothing(world):
    nobody = UserFactory(role=None, organisation=None)
    assert not Organisation.objects.visible_to(nobody).exists()
    assert not nobody.has_permission(Permission.ORG_ORGANISATION_VIEW)


def test_inactive_user_holds_no_permission(world):
    user = world.user("admin")
    user.is_active = False
    assert not user.has_permission(Permission.AUDIT_EVENT_VIEW)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Organisation.objects.visible_to(AnonymousUser()).exists()
    assert not Organisation.objects.visible_to(None).exists()


def test_users_are_scoped_like_their_organisations(world):
    seen = set(User.objects.visible_to(world.user("xian")).values_list("username", flat=True))
    # expert2 and the laboratory's staff work at Xi'an's technology centre, the point's staff at its monitoring point
    assert seen == {"xian", "port", "enterprise", "expert2", "lab", "point"}


def test_role_table_is_data_an_administrator_changes(world):
    """Granting a permission to a role in the admin changes what its users may do at once; it is audited."""
    client = world.client_for("system_admin")
    role = Role.objects.get(code="port_officer")
    assert world.client_for("port_officer").get("/users/").status_code == 403
    response = client.post(
        f"/admin/accounts/role/{role.pk}/change/",
        {
            "code": role.code,
            "name": role.name,
            "name_en": role.name_en,
            "description": "",
            "scope_mode": role.scope_mode,
            "permissions": [*role.permissions, Permission.ORG_USER_VIEW.value],
            "allowed_organisation_kinds": role.allowed_organisation_kinds,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert world.client_for("port_officer").get("/users/").status_code == 200
    from riskgate.core.models import AuditEvent

    event = AuditEvent.objects.get(action="role.changed", object_id=str(role.pk))
    assert event.actor == world.user("admin") and Permission.ORG_USER_VIEW.value in event.changes["permissions"][1]


def test_role_with_unknown_permission_is_refused(world):
    role = Role(code="bad", name="坏角色", permissions=["org:nothing:do"])
    with pytest.raises(ValidationError, match="未知的权限"):
        role.full_clean()


def test_role_only_fits_its_organisation_kinds(world):
    user = User(
        username="wrongfit", organisation=world.org("ent-xian-trading"), role=Role.objects.get(code="bureau_officer")
    )
    with pytest.raises(ValidationError, match="role"):
        user.full_clean()


def test_factories_build_valid_enterprises_and_bureaus(world):
    ent = EnterpriseFactory(parent=world.org("xian-customs"))
    validate_uscc(ent.uscc)
    bureau = OrganisationFactory(parent=world.org("gacc-warning-office"))
    assert bureau.path.startswith(world.org("gacc-warning-office").path)


@pytest.fixture
def user_manager(world):
    """A non-superuser who manages users in Xi'an's jurisdiction and holds little else."""
    role = Role.objects.create(
        code="user_manager",
        name="用户管理员",
        scope_mode="subtree",
        permissions=[
            Permission.REF_DATA_MANAGE.value,
            Permission.ORG_USER_MANAGE.value,
            Permission.ORG_USER_VIEW.value,
        ],
    )
    return UserFactory(username="usermanager", organisation=world.org("xian-customs"), role=role)


def _post_user(world, actor, target, **changes):
    from django.test import Client

    client = Client()
    client.force_login(actor, backend="django.contrib.auth.backends.ModelBackend")
    data = {
        "username": target.username,
        "full_name": target.full_name,
        "email": target.email,
        "phone": target.phone,
        "organisation": target.organisation_id,
        "role": target.role_id,
        "is_active": "on",
        **changes,
    }
    return client.post(f"/admin/accounts/user/{target.pk}/change/", data)


def test_a_user_manager_cannot_grant_more_than_they_hold(world, user_manager):
    from riskgate.core.models import AuditEvent

    port = world.user("port")
    before = port.role_id
    # A role with permissions the manager lacks (here: every permission, national scope) is refused.
    response = _post_user(world, user_manager, port, role=Role.objects.get(code="system_admin").pk)
    assert response.status_code == 200 and "不能授予本人没有的权限" in response.content.decode()
    assert User.objects.get(pk=port.pk).role_id == before
    # Nor a place outside the manager's jurisdiction.
    response = _post_user(world, user_manager, port, organisation=world.org("harbin-customs").pk)
    assert response.status_code == 200 and "辖区内的机构" in response.content.decode()
    # Nor a wider jurisdiction mode through a role of few permissions.
    wide = Role.objects.create(code="wide_viewer", name="全国查看", scope_mode="all", permissions=["org:user:view"])
    response = _post_user(world, user_manager, port, role=wide.pk)
    assert response.status_code == 200 and "更宽的数据范围" in response.content.decode()
    # Nor their own role.
    viewer = Role.objects.create(
        code="viewer", name="查看", scope_mode="own_organisation", permissions=["org:user:view"]
    )
    response = _post_user(world, user_manager, user_manager, role=viewer.pk)
    assert response.status_code == 200 and "本人的角色" in response.content.decode()
    assert not AuditEvent.objects.filter(action="user.changed", actor=user_manager).exists()
    # Within what they hold, it works and is audited.
    response = _post_user(world, user_manager, port, role=viewer.pk)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=port.pk).role_id == viewer.pk
    assert AuditEvent.objects.filter(action="user.changed", actor=user_manager, object_id=str(port.pk)).exists()


def test_a_role_editor_cannot_add_permissions_they_lack(world):
    editor_role = Role.objects.create(
        code="role_editor",
        name="角色管理员",
        scope_mode="subtree",
        permissions=[Permission.REF_DATA_MANAGE.value, Permission.ORG_ROLE_MANAGE.value],
    )
    editor = UserFactory(username="roleeditor", organisation=world.org("xian-customs"), role=editor_role)
    from django.test import Client

    client = Client()
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    role = Role.objects.get(code="port_officer")
    data = {
        "code": role.code,
        "name": role.name,
        "name_en": role.name_en,
        "description": "",
        "scope_mode": role.scope_mode,
        "permissions": [*role.permissions, Permission.ORG_USER_MANAGE.value],
        "allowed_organisation_kinds": role.allowed_organisation_kinds,
    }
    response = client.post(f"/admin/accounts/role/{role.pk}/change/", data)
    assert response.status_code == 200 and "不能授予本人没有的权限" in response.content.decode()
    assert Permission.ORG_USER_MANAGE.value not in Role.objects.get(pk=role.pk).permissions
    # Taking a permission away is always allowed (the editor holds none of this role's own permissions).
    data["permissions"] = role.permissions[1:]
    assert client.post(f"/admin/accounts/role/{role.pk}/change/", data).status_code == 302
    assert Role.objects.get(pk=role.pk).permissions == role.permissions[1:]
