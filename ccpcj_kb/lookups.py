"""``field__among=ids``: a long list of ids given to the database as one parameter.

``__in`` binds each value apart: ten thousand ids cost Django tens of milliseconds to prepare
and the database as many to parse, on every query that checks them. ``__among`` sends one
array literal (PostgreSQL: ``{1,2,3}``, cast to ``bigint[]``) or one JSON array (SQLite)
instead. The ids are integers, so neither needs quoting, and writing the text at once is about
twice as fast as the driver adapting a list of six thousand ints one by one.
"""

import json

from django.db import models


@models.Field.register_lookup
class Among(models.Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        ids = [int(each) for each in value]
        if connection.vendor == "postgresql":
            return "%s::bigint[]", ["{" + ",".join(map(str, ids)) + "}"]
        return "%s", [json.dumps(ids)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *rhs_params]
