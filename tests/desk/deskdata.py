"""Small datasets for the desk's tests: a Spanish-named one and a hostile one."""

from __future__ import annotations

from instnet.model import Ecosystem

HOSTILE = ('<script>alert("x")</script>', '"><img src=x onerror=alert(1)>')


def spanish() -> Ecosystem:
    """A Honduran-style ecosystem with accented names ("Confecciones Peña") and a region no one covers."""
    return Ecosystem.from_records(
        actors=[
            {"id": "ent_pena", "name": "Confecciones Peña", "kind": "enterprise", "region": "Cortés",
             "sector": "confección"},
            {"id": "ent_nunez", "name": "Muebles Núñez", "kind": "enterprise", "region": "Cortés",
             "sector": "muebles"},
            {"id": "ent_olancho", "name": "Lácteos Olancho", "kind": "enterprise", "region": "Olancho",
             "sector": "alimentos"},
            {"id": "red_sps", "name": "Red de Confeccionistas de San Pedro Sula", "kind": "network",
             "region": "Cortés"},
            {"id": "certec", "name": "CERTEC (Centro de Servicios Empresariales)", "kind": "broker",
             "region": "Francisco Morazán", "contact": "Gestora de redes", "phone": "+504 555 0100",
             "email": "redes@certec.example"},
            {"id": "inf_diseno", "name": "Instituto de Diseño Textil", "kind": "bds_provider", "region": "Cortés",
             "contact": "Atención al cliente", "phone": "+504 555 0111", "email": "diseno@itd.example",
             "website": "https://itd.example", "address": "Barrio Guamilito, San Pedro Sula"},
            {"id": "banco_pyme", "name": "Banco PYME de Fomento", "kind": "bds_provider",
             "region": "Francisco Morazán", "phone": "+504 555 0122"},
        ],
        services=[{"id": "diseno", "name": "Diseño de patrones", "category": "technology"},
                  {"id": "credito", "name": "Crédito para capital de trabajo", "category": "finance"},
                  {"id": "exportar", "name": "Apoyo a la exportación", "category": "market_access"}],
        offers=[{"actor": "inf_diseno", "service": "diseno", "regions": "Cortés"},
                {"actor": "banco_pyme", "service": "credito", "regions": "Francisco Morazán"}],
        needs=[{"actor": "ent_pena", "service": "diseno"}, {"actor": "ent_pena", "service": "credito"},
               {"actor": "ent_nunez", "service": "diseno"}, {"actor": "ent_olancho", "service": "diseno"},
               {"actor": "ent_olancho", "service": "exportar"}],
        links=[{"source": "ent_pena", "target": "red_sps", "type": "member_of"},
               {"source": "red_sps", "target": "certec", "type": "brokered_by", "weight": 0.8},
               {"source": "certec", "target": "inf_diseno", "type": "refers_to", "weight": 0.9},
               {"source": "certec", "target": "banco_pyme", "type": "partners_with", "weight": 0.7},
               {"source": "ent_nunez", "target": "certec", "type": "client_of"},
               {"source": "ent_olancho", "target": "certec", "type": "client_of", "weight": 0.5}],
        meta={"name": "San Pedro Sula (prueba)", "country": "Honduras", "year": 2024},
    )


def hostile() -> Ecosystem:
    """Every name a client or provider can see tries to inject markup."""
    a, b = HOSTILE
    return Ecosystem.from_records(
        actors=[
            {"id": "e1", "name": a, "kind": "enterprise", "region": b, "sector": a},
            {"id": "net", "name": b, "kind": "network", "region": b},
            {"id": "brk", "name": a + " broker", "kind": "broker", "contact": a, "phone": b, "email": a,
             "website": b, "address": a},
            {"id": "prov", "name": b + " provider", "kind": "bds_provider", "contact": b, "address": b},
            {"id": "far", "name": a + " far", "kind": "bds_provider"},
        ],
        services=[{"id": "s1", "name": a, "category": "training"}, {"id": "s2", "name": b, "category": "finance"}],
        offers=[{"actor": "prov", "service": "s1"}, {"actor": "far", "service": "s2", "regions": "elsewhere"}],
        needs=[{"actor": "e1", "service": "s1"}, {"actor": "e1", "service": "s2"}],
        links=[{"source": "e1", "target": "net", "type": "member_of"},
               {"source": "net", "target": "brk", "type": "brokered_by"},
               {"source": "brk", "target": "prov", "type": "refers_to"}],
        meta={"name": a, "country": b},
    )
