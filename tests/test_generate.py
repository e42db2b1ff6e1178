"""Tests of the synthetic ecosystem generator (instnet.generate)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from instnet import schema
from instnet.errors import UsageError
from instnet.generate import generate

FILES = ("ecosystem.toml", "actors.csv", "services.csv", "offers.csv", "needs.csv", "links.csv")


def _read(folder: Path, table: str) -> pd.DataFrame:
    frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    return frame.astype(object)  # isin() on pandas' arrow-backed strings is slow


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 enterprises: large enough for the skew checks, still fast."""
    return generate(tmp_path_factory.mktemp("big"), enterprises=20_000, institutions=200, seed=3)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("small"), enterprises=2_000, institutions=60, seed=11)


@pytest.fixture(scope="module", params=["small", "tiny"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param == "tiny":
        return generate(tmp_path_factory.mktemp("tiny"), enterprises=12, institutions=8, seed=5)
    return request.getfixturevalue(request.param)


def test_writes_all_files_with_design_columns(small: Path) -> None:
    assert sorted(p.name for p in small.iterdir()) == sorted(FILES)
    for table, (required, optional) in schema.TABLES.items():
        header = list(_read(small, table).columns)
        assert set(required) <= set(header), table
        assert set(header) <= set(required) | set(optional), table
    meta = tomllib.loads((small / "ecosystem.toml").read_text(encoding="utf-8"))
    assert set(meta) == set(schema.META_KEYS)
    assert meta["country"] == "Synthetic"
    assert isinstance(meta["year"], int)
    assert "synthetic" in meta["source"] and "--seed 11" in meta["source"]
    assert "--enterprises 2000" in meta["source"] and "--institutions 60" in meta["source"]


def test_same_seed_gives_identical_files_and_other_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", enterprises=1500, institutions=40, seed=7)
    b = generate(tmp_path / "b", enterprises=1500, institutions=40, seed=7)
    c = generate(tmp_path / "c", enterprises=1500, institutions=40, seed=8)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for name in ("actors.csv", "links.csv", "needs.csv", "offers.csv"):
        assert (a / name).read_bytes() != (c / name).read_bytes(), name


def test_rows_follow_the_dataset_rules(dataset: Path) -> None:
    actors = _read(dataset, "actors")
    services = _read(dataset, "services")
    offers = _read(dataset, "offers")
    needs = _read(dataset, "needs")
    links = _read(dataset, "links")
    kind = actors.set_index("id")["kind"]
    actor_ids = actors["id"].tolist()

    # Unique ids, known vocabulary.
    assert actors["id"].is_unique and services["id"].is_unique
    assert set(actors["kind"]) <= set(schema.KINDS)
    assert set(actors["size"]) <= set(schema.SIZES) | {""}
    assert set(actors["private"]) <= {"true", "false"}
    assert set(services["category"]) == set(schema.CATEGORIES)
    assert actors["name"].str.len().gt(0).all()
    # Id formats.
    assert actors["id"].str.fullmatch(r"(e\d{7,}|n\d{5,}|i\d{5,})").all()
    assert services["id"].str.fullmatch(r"s\d\d").all()

    # No dangling references.
    assert offers["actor"].isin(actor_ids).all()
    assert needs["actor"].isin(actor_ids).all()
    assert links["source"].isin(actor_ids).all()
    assert links["target"].isin(actor_ids).all()
    assert offers["service"].isin(services["id"].tolist()).all()
    assert needs["service"].isin(services["id"].tolist()).all()

    # Who may offer / need, and link end kinds.
    assert offers["actor"].map(kind).isin(schema.INSTITUTION_KINDS).all()
    assert needs["actor"].map(kind).isin(schema.NEEDING_KINDS).all()
    assert set(links["type"]) <= set(schema.LINK_TYPES)
    for ltype, (sources, targets, _) in schema.LINK_RULES.items():
        rows = links[links["type"] == ltype]
        assert rows["source"].map(kind).isin(sources).all(), ltype
        assert rows["target"].map(kind).isin(targets).all(), ltype
    assert (links["source"] != links["target"]).all()

    # No duplicate rows where the validator would complain.
    assert not links.duplicated(["source", "target", "type"]).any()
    assert not offers.duplicated(["actor", "service"]).any()
    assert not needs.duplicated(["actor", "service"]).any()

    # Weights in (0, 1] with at most three decimals (empty means 1).
    w = links["weight"]
    given = w[w != ""]
    assert given.str.fullmatch(r"(0\.\d{1,3}|1\.0)").all()
    values = given.astype(float)
    assert ((values > 0) & (values <= 1)).all()

    # Years and other numbers.
    for table in (actors, offers, links):
        since = pd.to_numeric(table["since"].replace("", np.nan))
        until = pd.to_numeric(table["until"].replace("", np.nan))
        assert since.dropna().between(1900, 2024).all()
        both = since.notna() & until.notna()
        assert (until[both] > since[both]).all()
    assert needs["priority"].isin(["1", "2", "3"]).all()
    assert offers["fee"].isin(list(schema.FEES) + [""]).all()
    capacity = actors.loc[actors["capacity"] != "", ["kind", "capacity"]]
    assert capacity["kind"].isin(schema.INSTITUTION_KINDS).all()
    assert capacity["capacity"].astype(int).gt(0).all()
    lat = actors.loc[actors["lat"] != "", "lat"].astype(float)
    assert lat.between(-90, 90).all()

    # Offer scopes name known regions and sectors.
    known_regions = set(actors["region"]) - {""}
    known_sectors = set(actors["sector"]) - {""}
    for column, known in (("regions", known_regions), ("sectors", known_sectors)):
        scoped = offers.loc[offers[column] != "", column].str.split(schema.SCOPE_SEP).explode()
        assert set(scoped) <= known, column


def test_all_kinds_present_and_mostly_providers(big: Path) -> None:
    actors = _read(big, "actors")
    counts = actors["kind"].value_counts()
    assert set(counts.index) == set(schema.KINDS)
    assert counts["enterprise"] == 20_000
    institutions = actors[actors["kind"].isin(schema.INSTITUTION_KINDS)]
    assert len(institutions) == 200
    assert counts["bds_provider"] > len(institutions) / 2
    assert 400 <= counts["network"] <= 600  # about enterprises / 40
    sizes = actors.loc[actors["kind"] == "enterprise", "size"].value_counts()
    assert sizes["micro"] > sizes["small"] > sizes["medium"] > sizes.get("large", 0)
    assert (actors["private"] == "true").any()


def test_skew_is_present(big: Path) -> None:
    actors = _read(big, "actors")
    links = _read(big, "links")
    offers = _read(big, "offers")
    services = _read(big, "services")
    needs = _read(big, "needs")
    ent = actors[actors["kind"] == "enterprise"].set_index("id")
    ent_ids = ent.index.tolist()

    regions = ent["region"].value_counts()
    assert regions.iloc[0] > 10 * regions.iloc[-1]
    sectors = ent["sector"].value_counts()
    assert sectors.iloc[0] > 5 * sectors.iloc[-1]

    # Enterprises share (region, sector, referral contacts): far fewer signatures.
    referral = links[links["type"].isin(["member_of", "client_of"])
                     & links["source"].isin(ent_ids)]
    referral = referral.sort_values(["source", "target"])
    slot = referral.groupby("source").cumcount()
    contacts = referral.set_index(["source", slot])["target"].unstack(fill_value="")
    contacts = contacts.reindex(ent.index, fill_value="")
    signatures = pd.concat([ent[["region", "sector"]], contacts], axis=1).drop_duplicates()
    signatures = len(signatures)
    assert signatures < len(ent) / 4

    # Some enterprises have no link at all (gaps), about a third are in networks.
    linked = set(links["source"]) | set(links["target"])
    isolated = (~ent.index.isin(sorted(linked))).mean()
    assert 0.03 < isolated < 0.2
    in_network = links[(links["type"] == "member_of") & links["target"].str.startswith("n")]
    assert 0.25 < in_network["source"].nunique() / len(ent) < 0.45
    assert (links[links["type"] == "member_of"]["target"].map(actors.set_index("id")["kind"])
            == "association").any()
    # Every enterprise has at most two client_of links; every network one region x sector.
    client = links[(links["type"] == "client_of") & links["source"].isin(ent_ids)]
    assert client["source"].value_counts().max() <= 2

    # Hubs: the national agency coordinates many; partnerships have a heavy tail.
    coord = links[links["type"] == "coordinates"]["source"].value_counts()
    assert coord.iloc[0] >= 10
    partners = links[links["type"] == "partners_with"]
    degree = pd.concat([partners["source"], partners["target"]]).value_counts()
    assert degree.iloc[0] >= 4 * degree.median()
    assert {"refers_to", "funds", "trains", "supplies", "brokered_by"} <= set(links["type"])

    # Uneven supply, scoped offers, services nobody offers.
    per_service = offers["service"].value_counts()
    assert per_service.iloc[0] >= 10 * per_service.iloc[-1]
    unoffered = set(services["id"]) - set(offers["service"])
    assert 1 <= len(unoffered) <= 4
    assert (offers["regions"] != "").any() and (offers["sectors"] != "").any()
    assert (offers["capacity"] != "").any() and (offers["fee"] != "").any()

    # Needs: 1-3 per enterprise, skewed; some networks need services too.
    per_actor = needs[needs["actor"].isin(ent_ids)]["actor"].value_counts()
    assert per_actor.max() <= 3 and per_actor.index.size > 0.95 * len(ent)
    per_need = needs["service"].value_counts()
    assert per_need.iloc[0] > 5 * per_need.iloc[-1]
    assert needs["actor"].str.startswith("n").any()

    # Dates make --as-of meaningful.
    assert (links["since"] != "").mean() > 0.3 and (links["until"] != "").any()
    assert (actors["until"] != "").any()


def test_networks_stay_in_their_region(big: Path) -> None:
    actors = _read(big, "actors").set_index("id")
    links = _read(big, "links")
    member = links[(links["type"] == "member_of") & links["target"].str.startswith("n")]
    src, tgt = actors.loc[member["source"]], actors.loc[member["target"]]
    assert (src["region"].to_numpy() == tgt["region"].to_numpy()).all()
    assert (src["sector"].to_numpy() == tgt["sector"].to_numpy()).all()
    brokered = links[links["type"] == "brokered_by"]
    same = (actors.loc[brokered["source"], "region"].to_numpy()
            == actors.loc[brokered["target"], "region"].to_numpy())
    assert same.mean() > 0.8


def test_options_regions_sectors_progress_and_existing_folder(tmp_path: Path) -> None:
    messages: list[str] = []
    folder = generate(tmp_path / "deep" / "out", enterprises=300, institutions=30, seed=1,
                      regions=5, sectors=4, progress=messages.append)
    assert messages and all(isinstance(m, str) for m in messages)
    ent = _read(folder, "actors").query("kind == 'enterprise'")
    assert ent["region"].nunique() <= 5 and ent["sector"].nunique() <= 4
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    again = generate(str(folder), enterprises=300, institutions=30, seed=1, regions=5, sectors=4)
    assert again == folder and (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("kwargs", [
    {"enterprises": -1},
    {"enterprises": 0},
    {"institutions": 7},
    {"institutions": -5},
    {"seed": -1},
    {"regions": 0},
    {"sectors": -2},
    {"regions": 10**6},
    {"enterprises": 10.5},
    {"institutions": "100"},
    {"enterprises": True},
])
def test_bad_arguments_raise_usage_error(tmp_path: Path, kwargs: dict) -> None:
    with pytest.raises(UsageError):
        generate(tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


def test_out_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("", encoding="utf-8")
    with pytest.raises(UsageError):
        generate(target, enterprises=10, institutions=8)


def test_generated_dataset_reads_without_error(small: Path) -> None:
    from instnet.io.read import read_dataset  # lazily: read.py is another module

    eco = read_dataset(small)
    actors = _read(small, "actors")
    assert len(eco.actors) == len(actors)
    assert len(eco.links) == len(_read(small, "links"))
    assert eco.meta["country"] == "Synthetic"
