"""``field__among=values``: a long list of ids or names given to the database as one parameter.

``__in`` binds each value apart: ten thousand ids cost Django tens of milliseconds to prepare
and the database as many to parse, on every query that checks them. ``__among`` sends one
array (PostgreSQL: ``bigint[]`` or ``text[]``) or one JSON array (SQLite) instead. Ids are
integers, so their array is written at once, without quoting: about twice as fast as the driver
adapting a list of six thousand ints one by one. Texts are adapted by the driver.
"""

import json

from django.db import models


@models.Field.register_lookup
class Among(models.Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        values = list(value)
        texts = isinstance(self.lhs.output_field, (models.CharField, models.TextField))
        if not texts:
            values = [int(each) for each in values]
        if connection.vendor == "postgresql":
            if texts:
                return "%s::text[]", [[str(each) for each in values]]
            return "%s::bigint[]", ["{" + ",".join(map(str, values)) + "}"]
        return "%s", [json.dumps(values)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *rhs_params]
