"""Every key of a Fides dataset is either honoured, only descriptive, or an error naming file and line."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, String

from jaga.datamap import DataMapInvalid, parse_datamap
from jaga.datamap.model import Strategy
from jaga.requests.plan import _coerce

# fideslang's default data categories (2.x, still accepted by 3.x), as Fides' example datasets use them
FIDESLANG_DEFAULTS = [
    "system",
    "system.authentication",
    "system.operations",
    "user",
    "user.account",
    "user.account.settings",
    "user.account.username",
    "user.authorization",
    "user.authorization.biometric",
    "user.authorization.credentials",
    "user.authorization.password",
    "user.behavior",
    "user.behavior.browsing_history",
    "user.behavior.media_consumption",
    "user.behavior.purchase_history",
    "user.behavior.search_history",
    "user.biometric",
    "user.biometric.fingerprint",
    "user.biometric.retinal",
    "user.biometric.voice",
    "user.biometric.health",
    "user.childrens",
    "user.contact",
    "user.contact.address",
    "user.contact.address.city",
    "user.contact.address.country",
    "user.contact.address.postal_code",
    "user.contact.address.state",
    "user.contact.address.street",
    "user.contact.email",
    "user.contact.phone_number",
    "user.contact.url",
    "user.contact.fax_number",
    "user.contact.organization",
    "user.content",
    "user.content.private",
    "user.content.public",
    "user.content.self_image",
    "user.criminal_history",
    "user.demographic",
    "user.demographic.age_range",
    "user.demographic.date_of_birth",
    "user.demographic.gender",
    "user.demographic.language",
    "user.demographic.marital_status",
    "user.demographic.political_opinion",
    "user.demographic.profile",
    "user.demographic.race_ethnicity",
    "user.demographic.religious_belief",
    "user.demographic.sexual_orientation",
    "user.device",
    "user.device.cookie",
    "user.device.cookie_id",
    "user.device.device_id",
    "user.device.ip_address",
    "user.financial",
    "user.financial.bank_account",
    "user.financial.credit_card",
    "user.government_id",
    "user.government_id.birth_certificate",
    "user.government_id.drivers_license_number",
    "user.government_id.immigration",
    "user.government_id.national_identification_number",
    "user.government_id.passport_number",
    "user.government_id.vehicle_registration",
    "user.health_and_medical",
    "user.health_and_medical.genetic",
    "user.health_and_medical.insurance_beneficiary_id",
    "user.health_and_medical.record_id",
    "user.job_title",
    "user.location",
    "user.location.imprecise",
    "user.location.precise",
    "user.name",
    "user.name.first",
    "user.name.last",
    "user.payment",
    "user.privacy_preferences",
    "user.sensor",
    "user.social",
    "user.telemetry",
    "user.unique_id",
    "user.unique_id.pseudonymous",
    "user.user_sensor",
    "user.workplace",
    "user.financial.account_number",  # fideslang 3.0, used by Fides' MariaDB and MySQL examples
]

BASE = """\
dataset:
  - fides_key: shop
    name: Shop
    description: a shop
    organization_fides_key: default_organization
    collections:
      - name: customer
        description: people
        fields:
          - name: id
            data_categories: [user.unique_id]
            fidesops_meta: {primary_key: true}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email, data_type: string}
"""


def test_every_fideslang_default_category_is_known() -> None:
    fields = "".join(f"          - {{name: c{i}, data_categories: [{c}]}}\n" for i, c in enumerate(FIDESLANG_DEFAULTS))
    dm = parse_datamap(BASE + fields, "all.yml")
    assert len(dm.datasets[0].collections[0].fields) == len(FIDESLANG_DEFAULTS) + 2


def test_fidesops_meta_and_descriptive_keys_are_read() -> None:
    customer = parse_datamap(BASE, "shop.yml").datasets[0].collections[0]
    assert customer.primary_key == ("id",)  # from fidesops_meta, Fides' older spelling


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("data_type: string}", "data_type: string, custom_request_field: site_id}", 15, "not supported"),
        ("data_type: string}", "data_type: string, return_all_elements: true}", 15, "not supported"),
        ("data_type: string}", "data_type: object}", 15, "data_type 'object'"),
        ("data_type: string}", "data_type: 'string[]'}", 15, "not supported"),
        (
            "      - name: customer\n",
            "      - name: customer\n        fides_meta: {partitioning: {}}\n",
            8,
            "partitioning",
        ),
        (
            "      - name: customer\n",
            "      - name: customer\n        data_categories: [user]\n",
            8,
            "annotate each field",
        ),
        (
            "    name: Shop\n",
            "    name: Shop\n    fides_meta: {namespace: {project_id: p, dataset_id: d}}\n",
            4,
            "BigQuery",
        ),
        (
            "    name: Shop\n",
            "    name: Shop\n    fides_meta: {namespace: {schema: app, databse_name: x}}\n",
            4,
            "databse_name",
        ),
        ("    name: Shop\n", "    name: Shop\n    colections: []\n", 4, "unknown dataset key 'colections'"),
        ("        description: people\n", "        descripton: people\n", 8, "unknown collection key"),
        ("data_type: string}", "data_type: string, identiy: x}", 15, "unknown field fides_meta key 'identiy'"),
        (
            "data_type: string}",
            "data_type: string, masking_strategy_override: {strategy: aes_encrypt}}",
            15,
            "masking strategy 'aes_encrypt'",
        ),
        (
            "data_type: string}",
            "data_type: string, masking_strategy_override: {strategy: hash, configuration: {algorithm: SHA-256}}}",
            15,
            "needs secret keys",
        ),
        (
            "      - name: customer\n",
            "      - name: customer\n        fides_meta: {masking_strategy_override: {strategy: null_rewrite}}\n",
            8,
            "{strategy: delete}",
        ),
        (
            "      - name: customer\n",
            "      - name: customer\n        fides_meta: {erase_after: [shop.nowhere]}\n",
            7,
            "unknown table 'shop.nowhere'",
        ),
        (
            "      - name: customer\n",
            "      - name: customer\n        fides_meta: {skip_processing: yes please}\n",
            8,
            "true or false",
        ),
        ("data_type: string}", "data_type: string, length: -3}", 15, "positive"),
    ],
)
def test_keys_jaga_does_not_implement_are_errors_with_file_and_line(old: str, new: str, line: int, words: str) -> None:
    with pytest.raises(DataMapInvalid) as info:
        parse_datamap(BASE.replace(old, new, 1), "shop.yml")
    assert f"shop.yml:{line}:" in str(info.value)
    assert words in str(info.value)


def test_masking_overrides_become_jaga_strategies() -> None:
    text = BASE.replace(
        "data_type: string}",
        "data_type: string, masking_strategy_override: "
        "{strategy: string_rewrite, configuration: {rewrite_value: gone, format_preservation: {suffix: '@x.io'}}}}",
    ).replace(
        "      - name: customer\n", "      - name: customer\n        fides_meta: {erase_after: [shop.customer]}\n"
    )
    customer = parse_datamap(text, "shop.yml").datasets[0].collections[0]
    email = customer.field("email")
    assert email is not None and (email.strategy, email.fixed_value) == (Strategy.fixed, "gone@x.io")
    assert customer.erase == "update" and customer.erase_after == ("shop.customer",)


def test_data_type_casts_identity_values() -> None:
    text_column = Column("code", String(10))
    assert _coerce(text_column, "0042", "integer") == 42
    assert _coerce(text_column, "abc", "integer") is None  # cannot be one: finds no rows, runs no bad SQL
    assert _coerce(Column("n", Integer), "0042", "string") == "0042"
    assert _coerce(Column("n", Integer), "0042") == 42


def test_a_key_the_map_does_not_mark_is_still_kept() -> None:
    """Fides' newest example dataset marks no primary keys: the database's own key must never be
    overwritten when its row is kept (``customer.id`` is annotated ``user.unique_id`` there)."""
    from jaga.actions.strategies import default_strategy
    from jaga.datamap.model import Field

    fld = Field("id", ("user.unique_id",), "shop.yml:1:1")
    assert default_strategy(fld, Column("id", Integer, primary_key=True)) is Strategy.keep
    assert default_strategy(fld, Column("other_id", Integer, nullable=False)) is Strategy.fixed


@pytest.mark.parametrize("data_type", ["string", "integer", "float", "boolean", "no_op", "date", "datetime", "bytes"])
def test_relational_data_types_load(data_type: str) -> None:
    """Fides' relational types, and those ``jaga discover`` and the sample map write (date, datetime, bytes)."""
    text = BASE.replace("data_type: string}", f"data_type: {data_type}}}")
    email = parse_datamap(text, "shop.yml").datasets[0].collections[0].field("email")
    assert email is not None and email.data_type == data_type
