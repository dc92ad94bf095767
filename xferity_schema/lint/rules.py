"""Layer 3, our own rules, per file and per statement, over pglast's parse tree.

Rules that need the whole migration set (comments, primary keys) live in `replay.py`, the
set-aware lock rules in `locks.py`, the PostgreSQL 13 checks in `compat.py`;
released-migration immutability lives in `checksums.py`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

from pglast import ast, enums

from xferity_schema.core.contract import SCHEMA
from xferity_schema.lint.compat import CompatContext, newer_than_13, newer_tokens
from xferity_schema.lint.findings import Finding
from xferity_schema.lint.sources import SqlFile
from xferity_schema.lint.syntax import (
    ParsedSql,
    Statement,
    def_elem,
    dotted_name,
    embedded_queries,
    has_placeholders,
    neutralise_parameters,
    node_location,
    parse,
    walk,
)

# Column names that look like they hold a secret...
SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "apikey",
        "credential",
        "credentials",
    }
)
SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("access", "key"),
        ("signing", "key"),
    }
)
# ...unless the name says it is a hash, ciphertext, reference or metadata about the secret.
SAFE_SUFFIXES = frozenset(
    {
        "hash",
        "sha256",
        "sha512",
        "digest",
        "hmac",
        "ciphertext",
        "ref",
        "salt",
        "id",
        "name",
        "fingerprint",
        "prefix",
        "hint",
        "algorithm",
        "kind",
        "type",
        "status",
        "at",
        "expires",
        "expiry",
        "count",
        "length",
        "version",
        "method",
        "url",
        "uri",
        "endpoint",
        "format",
        "mode",
        "policy",
        "scope",
        "scopes",
        "ttl",
        "lifetime",
        "issuer",
    }
)
# A boolean, number or timestamp named like a secret (token_expires, has_password) holds none.
SCALAR_TYPES = frozenset(
    {
        "bool",
        "boolean",
        "timestamptz",
        "timestamp",
        "date",
        "time",
        "timetz",
        "interval",
        "int2",
        "int4",
        "int8",
        "integer",
        "bigint",
        "smallint",
        "numeric",
        "float4",
        "float8",
        "uuid",
        "inet",
        "cidr",
    }
)
# A qualifier that says the value is already protected (encrypted_password: a bcrypt hash).
PROTECTED_WORDS = frozenset(
    {"encrypted", "hashed", "crypted", "bcrypt", "scrypt", "argon2", "sealed", "wrapped"}
)
# Tokens of text, not credentials: path_tokens (path segments), search_tokens (lexemes).
TEXT_TOKEN_WORDS = frozenset({"path", "search", "text", "word", "name", "query", "lexeme"})
VAULT_TABLE_PREFIX = "vault"


def check_file(
    file: SqlFile, parsed: ParsedSql, context: CompatContext | None = None
) -> list[Finding]:
    findings = list(_file_rules(file, parsed))
    context = context or CompatContext()
    for statement in parsed.statements:
        for rule, offset, message in _statement_rules(statement, parsed, context):
            line, col = parsed.position(offset)
            findings.append(Finding(file.path, line, col, rule, "error", message))
    return findings


def parse_file(file: SqlFile) -> ParsedSql:
    """Parse for the rules; psycopg `%(name)s` parameters in query files become `$1`."""
    return parse(file.text if file.kind != "other" else neutralise_parameters(file.text))


def _file_rules(file: SqlFile, parsed: ParsedSql) -> Iterator[Finding]:
    path = file.path
    if parsed.error is not None:
        line, col = parsed.position(parsed.error_offset)
        if file.kind == "other" and has_placeholders(file.text):
            # A query template whose placeholders stand for SQL fragments (a keyword, a list of
            # statements): only the assembled query is SQL. Its tests run it for real.
            yield Finding(
                path,
                line,
                col,
                "parse-error",
                "warning",
                f"query template not checked: with its placeholders as stand-ins "
                f"PostgreSQL cannot parse it ({parsed.error})",
            )
        else:
            yield Finding(
                path,
                line,
                col,
                "parse-error",
                "error",
                f"PostgreSQL cannot parse this: {parsed.error}",
            )
    if file.kind == "other":
        return
    if not file.well_named:
        yield Finding(
            path,
            1,
            1,
            "migration-filename",
            "error",
            "migration files are named NNNN_lowercase_name.sql "
            "(rollback: NNNN_lowercase_name.rollback.sql)",
        )
    if file.kind == "rollback" and not path.with_name(file.migration_id + ".sql").exists():
        yield Finding(
            path,
            1,
            1,
            "migration-filename",
            "error",
            f"rollback file without its migration {file.migration_id}.sql",
        )
    if not file.header_comment:
        yield Finding(
            path,
            1,
            1,
            "migration-header",
            "error",
            "start with a `--` header comment saying why this migration exists",
        )
    if file.kind == "migration" and parsed.error is None:
        if not parsed.statements:
            yield Finding(
                path,
                1,
                1,
                "empty-migration",
                "error",
                "migration has no SQL statement yet (the runner refuses it)",
            )
        elif file.transactional:
            yield from _outside_transaction_only(file, parsed)
        elif len(parsed.statements) != 1:
            line, col = parsed.position(parsed.statements[1].location)
            yield Finding(
                path,
                line,
                col,
                "non-transactional-statements",
                "error",
                "a `-- transactional: false` migration must hold exactly one statement "
                f"(found {len(parsed.statements)}): split it into several migrations",
            )


def _outside_transaction_only(file: SqlFile, parsed: ParsedSql) -> Iterator[Finding]:
    """Statements PostgreSQL refuses inside a transaction block, in a transactional migration.
    (squawk's ban-concurrent-index-creation-in-transaction skips single-statement files.)"""
    for statement in parsed.statements:
        for node in walk(statement.node):
            what = _needs_autocommit(node)
            if what:
                line, col = parsed.position(node_location(node, statement.location))
                yield Finding(
                    file.path,
                    line,
                    col,
                    "needs-non-transactional",
                    "error",
                    f"{what} cannot run inside the migration's transaction: put it alone in a "
                    "migration headed `-- transactional: false`",
                )


def _needs_autocommit(node: ast.Node) -> str | None:
    if isinstance(node, ast.IndexStmt) and node.concurrent:
        return "CREATE INDEX CONCURRENTLY"
    if isinstance(node, ast.DropStmt) and node.concurrent:
        return "DROP INDEX CONCURRENTLY"
    if isinstance(node, ast.ReindexStmt) and def_elem(node.params, "concurrently"):
        return "REINDEX CONCURRENTLY"
    if isinstance(node, ast.PartitionCmd) and node.concurrent:
        return "DETACH PARTITION CONCURRENTLY"
    if isinstance(node, ast.VacuumStmt):
        return "VACUUM" if node.is_vacuumcmd else None
    if isinstance(node, ast.CreatedbStmt | ast.DropdbStmt | ast.AlterSystemStmt):
        return "CREATE/DROP DATABASE and ALTER SYSTEM"
    return None


def _statement_rules(
    statement: Statement, parsed: ParsedSql, context: CompatContext
) -> Iterator[tuple[str, int, str]]:
    node, at = statement.node, statement.location
    for offset, message in newer_than_13(node, at, context):
        yield "pg13-compat", offset, message
    for offset, message in newer_tokens(statement.text):
        yield "pg13-compat", at + offset, message
    for embedded in embedded_queries(statement, parsed):
        inner = parse(embedded.sql)
        inner_context = replace(context, in_plpgsql=embedded.plpgsql)
        for inner_statement in inner.statements:
            found = newer_than_13(inner_statement.node, inner_statement.location, inner_context)
            for offset, message in found:
                where = embedded.anchor + offset if embedded.exact else embedded.anchor
                yield "pg13-compat", where, message + " (in a function body)"
    yield from _schema(node, at)
    yield from _security_definer(node, at)
    yield from _grant_public(node, at)
    yield from _secrets(node, at)


# --- every object in schema xferity -----------------------------------------------------------


def _schema(node: ast.Node, at: int) -> Iterator[tuple[str, int, str]]:
    if isinstance(node, ast.CreateSchemaStmt) and node.schemaname != SCHEMA:
        yield "xferity-schema", at, f"everything lives in schema {SCHEMA}, not {node.schemaname}"
        return
    for what, schema, name, offset in _created_objects(node, at):
        if schema is None:
            yield (
                "xferity-schema",
                offset,
                f"{what} {name} is not schema-qualified: write {SCHEMA}.{name}",
            )
        elif schema != SCHEMA:
            yield "xferity-schema", offset, f"{what} {schema}.{name} must be in schema {SCHEMA}"
    if isinstance(node, ast.AlterObjectSchemaStmt) and node.newschema != SCHEMA:
        yield "xferity-schema", at, f"objects stay in schema {SCHEMA}, not {node.newschema}"
    for relation in _dml_targets(node):
        if relation.schemaname is None:
            name = relation.relname or ""
            yield (
                "xferity-schema",
                node_location(relation, at),
                f"{name} is not schema-qualified: write {SCHEMA}.{name}",
            )


def _created_objects(node: ast.Node, at: int) -> Iterator[tuple[str, str | None, str, int]]:
    relation: ast.RangeVar | None = None
    what = ""
    if isinstance(node, ast.CreateStmt):
        relation, what = node.relation, "table"
    elif isinstance(node, ast.CreateTableAsStmt):
        relation, what = node.into.rel if node.into else None, "table"
    elif isinstance(node, ast.ViewStmt):
        relation, what = node.view, "view"
    elif isinstance(node, ast.CreateSeqStmt):
        relation, what = node.sequence, "sequence"
    elif isinstance(node, ast.CompositeTypeStmt):
        relation, what = node.typevar, "type"
    elif isinstance(node, ast.IndexStmt | ast.CreateTrigStmt):
        relation, what = node.relation, "table"
    if relation is not None:
        if relation.relpersistence != "t":  # temporary tables live in pg_temp
            yield what, relation.schemaname, relation.relname or "", node_location(relation, at)
        return
    names: list[str] = []
    if isinstance(node, ast.CreateFunctionStmt):
        names, what = dotted_name(node.funcname), "procedure" if node.is_procedure else "function"
    elif isinstance(node, ast.CreateEnumStmt):
        names, what = dotted_name(node.typeName), "type"
    elif isinstance(node, ast.CreateDomainStmt):
        names, what = dotted_name(node.domainname), "domain"
    if names:
        yield what, names[0] if len(names) > 1 else None, names[-1], at


def _dml_targets(node: ast.Node) -> Iterator[ast.RangeVar]:
    if isinstance(node, ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt) and isinstance(
        node.relation, ast.RangeVar
    ):
        yield node.relation


# --- SECURITY DEFINER sets search_path ---------------------------------------------------------


def _security_definer(node: ast.Node, at: int) -> Iterator[tuple[str, int, str]]:
    if isinstance(node, ast.CreateFunctionStmt):
        options = node.options
    elif isinstance(node, ast.AlterFunctionStmt):
        options = node.actions
    else:
        return
    security = def_elem(options, "security")
    if security is None or not (isinstance(security.arg, ast.Boolean) and security.arg.boolval):
        return
    if isinstance(node, ast.CreateFunctionStmt):
        name = ".".join(dotted_name(node.funcname))
    else:
        name = ".".join(dotted_name(node.func.objname if node.func else None))
    setting = _search_path_setting(options)
    if setting is None:
        yield (
            "security-definer-search-path",
            at,
            f"SECURITY DEFINER function {name} must SET search_path = {SCHEMA}, pg_temp",
        )
        return
    if setting.kind != enums.VariableSetKind.VAR_SET_VALUE:
        yield (
            "security-definer-search-path",
            at,
            f"{name}: name the schemas (SET search_path = {SCHEMA}, pg_temp), "
            "do not inherit the caller's path",
        )
        return
    schemas = [
        str(getattr(arg.val, "sval", "")).lower()
        for arg in setting.args or ()
        if isinstance(arg, ast.A_Const)
    ]
    if "public" in schemas or "$user" in schemas or not schemas or schemas[-1] != "pg_temp":
        yield (
            "security-definer-search-path",
            at,
            f"{name}: search_path must list trusted schemas only and end with pg_temp "
            f"(SET search_path = {SCHEMA}, pg_temp), found {', '.join(schemas) or 'nothing'}",
        )


def _search_path_setting(options: object) -> ast.VariableSetStmt | None:
    for option in options if isinstance(options, tuple | list) else ():
        if (
            isinstance(option, ast.DefElem)
            and option.defname == "set"
            and isinstance(option.arg, ast.VariableSetStmt)
            and option.arg.name == "search_path"
        ):
            return option.arg
    return None


# --- no GRANT to PUBLIC ------------------------------------------------------------------------


def _grant_public(node: ast.Node, at: int) -> Iterator[tuple[str, int, str]]:
    grants: list[ast.GrantStmt] = []
    if isinstance(node, ast.GrantStmt):
        grants.append(node)
    elif isinstance(node, ast.AlterDefaultPrivilegesStmt) and isinstance(
        node.action, ast.GrantStmt
    ):
        grants.append(node.action)
    for grant in grants:
        if not grant.is_grant:
            continue
        for grantee in grant.grantees or ():
            if (
                isinstance(grantee, ast.RoleSpec)
                and grantee.roletype == enums.RoleSpecType.ROLESPEC_PUBLIC
            ):
                yield (
                    "grant-public",
                    node_location(grantee, at),
                    "never GRANT to PUBLIC: grant to a named xferity role",
                )


# --- no plaintext secrets ----------------------------------------------------------------------


def looks_like_secret(column: str) -> bool:
    words = column.lower().split("_")
    if words[-1] in SAFE_SUFFIXES or words[-2:] == ["vault", "ref"]:
        return False
    if PROTECTED_WORDS.intersection(words):
        return False
    if words[-1] in ("token", "tokens") and TEXT_TOKEN_WORDS.intersection(words[:-1]):
        return False
    if any(word in SECRET_WORDS for word in words):
        return True
    return any(pair in SECRET_PAIRS for pair in itertools.pairwise(words))


def _secrets(node: ast.Node, at: int) -> Iterator[tuple[str, int, str]]:
    for table, column in _new_columns(node):
        name = column.colname or ""
        if table.startswith(VAULT_TABLE_PREFIX):
            continue
        if looks_like_secret(name) and _may_hold_value(column.typeName):
            yield (
                "plaintext-secret",
                node_location(column, at),
                f"column {table}.{name} looks like a plaintext secret: store a hash "
                f"({name}_hash), ciphertext ({name}_ciphertext) or a vault reference "
                f"({name}_vault_ref) instead",
            )
    if isinstance(node, ast.RenameStmt) and node.renameType == enums.ObjectType.OBJECT_COLUMN:
        table = node.relation.relname or "" if node.relation else ""
        new_name = node.newname or ""
        if not table.startswith(VAULT_TABLE_PREFIX) and looks_like_secret(new_name):
            yield (
                "plaintext-secret",
                at,
                f"column {table}.{new_name} looks like a plaintext secret",
            )


def _new_columns(node: ast.Node) -> Iterator[tuple[str, ast.ColumnDef]]:
    """(table name, column) for each column a CREATE TABLE or ALTER TABLE ADD COLUMN adds."""
    if isinstance(node, ast.CreateStmt | ast.AlterTableStmt):
        table = (node.relation.relname if node.relation else None) or ""
    else:
        return
    if isinstance(node, ast.CreateStmt):
        for element in node.tableElts or ():
            if isinstance(element, ast.ColumnDef):
                yield table, element
    else:
        for command in node.cmds or ():
            if isinstance(command, ast.AlterTableCmd) and isinstance(command.def_, ast.ColumnDef):
                yield table, command.def_


def _may_hold_value(type_name: ast.TypeName | None) -> bool:
    names = dotted_name(type_name.names) if type_name is not None else []
    return not names or names[-1].lower() not in SCALAR_TYPES
