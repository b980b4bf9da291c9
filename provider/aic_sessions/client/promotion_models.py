"""The promotions API's documents as typed models: what the API sent, and nothing else.

Every attribute the API did not send is None (never a default), so a caller can tell an
unknown from a value. Field names are snake_case; the wire's camelCase are the aliases.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from . import inferred


class _Wire(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="allow", populate_by_name=True)


class EnvironmentLock(_Wire):
    """One environment's side of the lock (`lowerEnv` / `upperEnv`)."""

    state: str | None = None
    proxy_state: str | None = Field(None, alias="proxyState")
    promotion_id: str | None = Field(None, alias="promotionId")


class LockState(_Wire):
    """GET /lock/state: both environments' lock."""

    result: str | None = None
    description: str | None = None
    promotion_id: str | None = Field(None, alias="promotionId")
    lower_env: EnvironmentLock | None = Field(None, alias="lowerEnv")
    upper_env: EnvironmentLock | None = Field(None, alias="upperEnv")


class LockAnswer(_Wire):
    """POST /lock and DELETE /lock/<id>: `{description, promotionId, result}`."""

    result: str | None = None
    description: str | None = None
    promotion_id: str | None = Field(None, alias="promotionId")


class PromotionStatus(_Wire):
    """GET /promote: the running or last promotion (or rollback)."""

    status: str | None = None
    message: str | None = None
    type: str | None = None
    global_lock: str | None = Field(None, alias="globalLock")
    blocking_error: bool | None = Field(None, alias="blockingError")
    promotion_id: str | None = Field(None, alias="promotionId")
    time_stamp: str | None = Field(None, alias="timeStamp")
    missing_esvs: list[str] | None = Field(None, alias="missingESVs")
    encrypted_secrets: list[str] | None = Field(None, alias="encryptedSecrets")

    @property
    def running(self) -> bool:
        return self.status in inferred.PROMOTION_RUNNING

    @property
    def finished(self) -> bool:
        """A final status: the run succeeded or failed."""
        return (
            self.status in inferred.PROMOTION_SUCCEEDED or self.status in inferred.PROMOTION_FAILED
        )

    @property
    def failed(self) -> bool:
        return self.status in inferred.PROMOTION_FAILED or bool(self.blocking_error)

    def blocked(self, ignore_encrypted_secrets: bool = False) -> bool:
        """Failed, or names what would block a promotion (missing ESVs, encrypted secrets)."""
        secrets = self.encrypted_secrets and not ignore_encrypted_secrets
        return self.failed or bool(self.missing_esvs) or bool(secrets)


class ChangedItem(_Wire):
    """One changed item of a report: `{name, realm, uid}`."""

    name: str | None = None
    realm: str | None = None
    uid: str | None = None


class ConfigChange(_Wire):
    added: list[ChangedItem] | None = None
    modified: list[ChangedItem] | None = None
    deleted: list[ChangedItem] | None = None


class ConfigItemReport(_Wire):
    """One entry of `report.AMConfig` / `report.IDMConfig`."""

    config_item: str | None = Field(None, alias="configItem")
    config_change: ConfigChange | None = Field(None, alias="configChange")


class ReportBody(_Wire):
    am_config: list[ConfigItemReport] | None = Field(None, alias="AMConfig")
    idm_config: list[ConfigItemReport] | None = Field(None, alias="IDMConfig")


class Change(BaseModel):
    """A report's change flattened: which product, config item, kind and item."""

    model_config = ConfigDict(defer_build=True)

    product: str
    config_item: str | None
    kind: str
    item: ChangedItem


class PromotionReport(_Wire):
    """A promotion, dry-run, rollback or provisional report."""

    report_id: str | None = Field(None, alias="reportId")
    report_name: str | None = Field(None, alias="reportName")
    promotion_id: str | None = Field(None, alias="promotionId")
    promoter: str | None = None
    promotion_description: str | None = Field(None, alias="promotionDescription")
    created_date: str | None = Field(None, alias="createdDate")
    dry_run: bool | None = Field(None, alias="dryRun")
    type: str | None = None
    missing_esvs: list[str] | None = Field(None, alias="missingESVs")
    previously_ignored_encrypted_secrets: list[str] | None = Field(
        None, alias="previouslyIgnoredEncryptedSecrets"
    )
    report: ReportBody | None = None

    def changes(self) -> list[Change]:
        """Every change the report lists, in its order."""
        found: list[Change] = []
        body = self.report or ReportBody()
        for product, entries in (("AMConfig", body.am_config), ("IDMConfig", body.idm_config)):
            for entry in entries or []:
                change = entry.config_change or ConfigChange()
                for kind in ("added", "modified", "deleted"):
                    for item in getattr(change, kind) or []:
                        found.append(
                            Change(
                                product=product, config_item=entry.config_item, kind=kind, item=item
                            )
                        )
        return found


class PromotionReportStub(_Wire):
    """One element of GET /reports."""

    report_id: str | None = Field(None, alias="reportId")
    promotion_id: str | None = Field(None, alias="promotionId")
    created_date: str | None = Field(None, alias="createdDate")
    dry_run: bool | None = Field(None, alias="dryRun")
    type: str | None = None
