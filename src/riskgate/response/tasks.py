"""Rapid-response background jobs (thin: each calls a service)."""

from celery import shared_task


@shared_task(name="riskgate.response.tasks.lift_expired")
def lift_expired() -> int:
    from .services.measures import lift_expired as run

    return run()


@shared_task(name="riskgate.response.tasks.notify", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify(order_id: int, organisation_id: int) -> bool:
    from .services.measures import notify_unit

    return notify_unit(order_id, organisation_id)


@shared_task(name="riskgate.response.tasks.escalate_overdue_measures")
def escalate_overdue_measures() -> dict:
    from .services.measures import watch_deadlines

    return watch_deadlines()


@shared_task(name="riskgate.response.tasks.escalate_obligations")
def escalate_obligations() -> dict:
    from .services.obligations import escalate

    return escalate()


@shared_task(
    name="riskgate.response.tasks.notify_obligation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def notify_obligation(obligation_id: int, organisation_id: int, kind: str, title: str | list[str], key: str) -> bool:
    from riskgate.accounts.models import Organisation
    from riskgate.core.notifications import notify_organisation

    from .models import Obligation
    from .queries import obligations as obligation_queries

    obligation = Obligation.objects.filter(pk=obligation_id).first()
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if obligation is None or organisation is None:
        return False
    return notify_organisation(
        organisation=organisation,
        permission=obligation_queries.audience(obligation, organisation),
        kind=kind,
        title=title,
        link=obligation.get_absolute_url(),
        object_key=key,
    )


@shared_task(name="riskgate.response.tasks.lift_expired_warnings")
def lift_expired_warnings() -> int:
    from .services.lifting import lift_expired_warnings as run

    return run()


@shared_task(name="riskgate.response.tasks.watch_recalls")
def watch_recalls() -> int:
    from .services.recalls import watch

    return watch()


@shared_task(
    name="riskgate.response.tasks.notify_activation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def notify_activation(activation_id: int, organisation_id: int) -> bool:
    """Tell a unit that an activated emergency plan gives it tasks (once per activation and unit)."""
    from django.utils.translation import gettext as _

    from riskgate.accounts.models import Organisation
    from riskgate.core.notifications import in_both, notify_organisation
    from riskgate.core.permissions import Permission

    from .models import Activation

    activation = Activation.objects.select_related("plan").filter(pk=activation_id).first()
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if activation is None or organisation is None:
        return False
    return notify_organisation(
        organisation=organisation,
        permission=Permission.RESPONSE_MEASURE_EXECUTE,
        kind="emergency.activated",
        title=in_both(lambda: _("应急预案 %(plan)s 已启动，有本单位的处置任务") % {"plan": activation.plan.title}),
        link=activation.get_absolute_url(),
        object_key=f"emergency:{activation.pk}:{organisation.pk}",
    )
