/* workflow/admin.c — what the admin defines: agencies, users and roles, procedures with their
 * processes (kept by content hash, so running dossiers keep the version they started with), and
 * the store-less check of workflow files. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "ctx/ctx.h"
#include "motcua/admin.h"
#include "workflow/audit.h"
#include "workflow/jobs.h"
#include "workflow/procedure.h"

static int exec_done(motcua_ctx *ctx, sqlite3_stmt *st, const char *what, const char *name)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if ((sqlite3_extended_errcode(mc_store_db(ctx->store)) & 0xff) == SQLITE_CONSTRAINT)
		return mc_error(MOTCUA_EINVALID, "%s '%s': %s", what, name,
			sqlite3_errmsg(mc_store_db(ctx->store)));
	return mc_store_error(ctx->store, what);
}

static bool code_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') || s[i] == '.' || s[i] == '_' ||
		    (s[i] == '-' && i > 0)))
			return false;
	return true;
}

/* Checks that an agency is there (want) or not yet (!want), naming it either way. */
static int agency_exists(motcua_ctx *ctx, const char *code, bool want)
{
	static const char sql[] = "SELECT 1 FROM agency WHERE code = ?";
	sqlite3_stmt *st;
	bool found;
	int error;

	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (found && !want)
		return mc_error(MOTCUA_EEXISTS, "agency %s: already there", code);
	if (!found && want)
		return mc_error(MOTCUA_ENOTFOUND, "agency '%.40s': no such agency", code);
	return 0;
}

int motcua_agency_add(motcua_ctx *ctx, const char *code, const char *name, const char *level,
	const char *parent)
{
	static const char sql[] =
		"INSERT INTO agency(code, name, parent, level) VALUES(?, ?, ?, ?)";
	mc_buf detail = MC_BUF_INIT;
	sqlite3_stmt *st;
	int error;

	/* the code becomes part of every dossier code: letters, digits and dots only */
	if (!code_ok(code, 32) || strchr(code, '-'))
		return mc_error(MOTCUA_EINVALID, "agency code '%.40s': letters, digits and dots, at "
			"most 32 (as in QCVN 102, e.g. 000.00.21.H41)", code ? code : "");
	if (!name || !*name)
		return mc_error(MOTCUA_EINVALID, "agency %s: name is empty", code);
	if (!level || (strcmp(level, "province") != 0 && strcmp(level, "department") != 0 &&
	    strcmp(level, "district") != 0 && strcmp(level, "commune") != 0))
		return mc_error(MOTCUA_EINVALID, "agency %s: level '%.32s' is not province, "
			"department, district or commune", code, level ? level : "");
	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = mc_require_admin(ctx, "agency add")) < 0 ||
	    (error = agency_exists(ctx, code, false)) < 0 ||
	    (parent && (error = agency_exists(ctx, parent, true)) < 0) ||
	    (error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (parent)
		sqlite3_bind_text(st, 3, parent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, level ? level : "", -1, SQLITE_STATIC);
	mc_buf_puts(&detail, "{\"agency\":");
	mc_buf_json_str(&detail, code);
	mc_buf_puts(&detail, "}");
	if ((error = exec_done(ctx, st, "agency", code)) < 0 ||
	    (error = mc_audit_append(ctx, "agency.added", 0, 0, mc_buf_cstr(&detail))) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	mc_buf_free(&detail);
	return error;
}

int motcua_user_add(motcua_ctx *ctx, const char *name, const char *full_name,
	const char *agency, const char *roles)
{
	static const char user_sql[] =
		"INSERT INTO user(name, full_name, agency, created_at) VALUES(?, ?, ?, ?)";
	static const char role_sql[] = "INSERT INTO user_role(user, role) VALUES(?, ?)";
	static const char *const known[] = { "clerk", "specialist", "leader", "office", "admin" };
	mc_buf detail = MC_BUF_INIT;
	char *list = NULL, *save = NULL;
	sqlite3_stmt *st;
	int error;

	if (!code_ok(name, 64))
		return mc_error(MOTCUA_EINVALID, "user name '%.70s': letters, digits, '.', '_' and "
			"'-', at most 64", name ? name : "");
	if (!roles || !(list = strdup(roles)))
		return roles ? mc_error_oom() : mc_error(MOTCUA_EINVALID, "user %s: no roles", name);
	if ((error = mc_store_begin(ctx->store)) < 0)
		goto done;
	if ((error = mc_require_admin(ctx, "user add")) < 0 ||
	    (error = agency_exists(ctx, agency ? agency : "", true)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, user_sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (full_name)
		sqlite3_bind_text(st, 2, full_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, agency ? agency : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, motcua_ctx_now(ctx));
	if ((error = exec_done(ctx, st, "user", name)) < 0)
		goto done;
	for (char *role = strtok_r(list, ",", &save); role; role = strtok_r(NULL, ",", &save)) {
		bool ok = false;

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok |= strcmp(role, known[i]) == 0;
		if (!ok) {
			error = mc_error(MOTCUA_EINVALID, "user %s: unknown role '%.40s' (clerk, "
				"specialist, leader, office or admin)", name, role);
			goto done;
		}
		if ((error = mc_store_stmt(&st, ctx->store, role_sql)) < 0)
			goto done;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
		if ((error = exec_done(ctx, st, "role", role)) < 0)
			goto done;
	}
	mc_buf_puts(&detail, "{\"user\":");
	mc_buf_json_str(&detail, name);
	mc_buf_puts(&detail, ",\"agency\":");
	mc_buf_json_str(&detail, agency);
	mc_buf_puts(&detail, ",\"roles\":");
	mc_buf_json_str(&detail, roles);
	mc_buf_puts(&detail, "}");
	if ((error = mc_audit_append(ctx, "user.added", 0, 0, mc_buf_cstr(&detail))) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	mc_buf_free(&detail);
	free(list);
	return error;
}

static int store_process(char hash[MC_HASH_HEX], motcua_ctx *ctx, const char *path)
{
	static const char sql[] =
		"INSERT INTO process(hash, process_id, name, file, xml, loaded_at)"
		" VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING";
	mc_process *proc = NULL;
	sqlite3_stmt *st;
	char *xml = NULL;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len;
	int error;

	if ((error = mc_read_file(&xml, &len, path)) < 0 ||
	    (error = mc_bpmn_load_buffer(&proc, xml, len, path)) < 0 ||
	    (error = mc_sha256_hex(hash, xml, len)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, proc->id, -1, SQLITE_STATIC);
	if (proc->name)
		sqlite3_bind_text(st, 3, proc->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, base, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, xml, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, motcua_ctx_now(ctx));
	error = exec_done(ctx, st, "process", base);
done:
	mc_process_free(proc);
	free(xml);
	return error;
}

int motcua_procedure_load(motcua_ctx *ctx, const char *path)
{
	static const char proc_sql[] =
		"INSERT INTO procedure(code, name, field, agency, agency_level, time_limit,"
		" limit_unit, fee, online, result_type, result_name, process_hash, file, loaded_at)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
		" ON CONFLICT(code) DO UPDATE SET name = ?2, field = ?3, agency = ?4,"
		" agency_level = ?5, time_limit = ?6, limit_unit = ?7, fee = ?8, online = ?9,"
		" result_type = ?10, result_name = ?11, process_hash = ?12, file = ?13,"
		" loaded_at = ?14";
	static const char clear_sql[] = "DELETE FROM required_doc WHERE procedure = ?";
	static const char doc_sql[] =
		"INSERT INTO required_doc(procedure, code, name, copies, required, accepts)"
		" VALUES(?, ?, ?, ?, ?, ?)";
	mc_procedure_desc *d = NULL;
	char hash[MC_HASH_HEX];
	mc_buf detail = MC_BUF_INIT, accepts = MC_BUF_INIT;
	sqlite3_stmt *st;
	int error;

	if ((error = mc_procedure_load_file(&d, path)) < 0)
		return error;
	if ((error = mc_store_begin(ctx->store)) < 0)
		goto done;
	if ((error = mc_require_admin(ctx, "procedure load")) < 0 ||
	    (error = store_process(hash, ctx, d->process_file)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, proc_sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, d->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
	if (d->field)
		sqlite3_bind_text(st, 3, d->field, -1, SQLITE_STATIC);
	if (d->agency)
		sqlite3_bind_text(st, 4, d->agency, -1, SQLITE_STATIC);
	if (d->agency_level)
		sqlite3_bind_text(st, 5, d->agency_level, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (int)d->limit);
	sqlite3_bind_text(st, 7, d->unit == MOTCUA_LIMIT_WORKING_HOURS ? "working-hours" :
		"working-days", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->fee);
	sqlite3_bind_text(st, 9, d->online ? d->online : "partial", -1, SQLITE_STATIC);
	if (d->result_type)
		sqlite3_bind_text(st, 10, d->result_type, -1, SQLITE_STATIC);
	if (d->result_name)
		sqlite3_bind_text(st, 11, d->result_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, motcua_ctx_now(ctx));
	if ((error = exec_done(ctx, st, "procedure", d->code)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, clear_sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, d->code, -1, SQLITE_STATIC);
	if ((error = exec_done(ctx, st, "procedure", d->code)) < 0)
		goto done;
	for (size_t i = 0; i < d->n_docs; i++) {
		const mc_required_doc *doc = &d->docs[i];

		mc_buf_clear(&accepts);
		for (size_t a = 0; a < doc->n_accepts; a++)
			mc_buf_printf(&accepts, "%s%s", a ? "," : "", doc->accepts[a]);
		if ((error = mc_store_stmt(&st, ctx->store, doc_sql)) < 0)
			goto done;
		sqlite3_bind_text(st, 1, d->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, doc->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, doc->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, (int)doc->copies);
		sqlite3_bind_int(st, 5, doc->required);
		sqlite3_bind_text(st, 6, mc_buf_cstr(&accepts), -1, SQLITE_STATIC);
		if ((error = exec_done(ctx, st, "required document", doc->code)) < 0)
			goto done;
	}
	mc_buf_printf(&detail, "{\"procedure\":\"%s\",\"process\":\"%s\"}", d->code, hash);
	if ((error = mc_audit_append(ctx, "procedure.loaded", 0, 0, mc_buf_cstr(&detail))) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	mc_buf_free(&detail);
	mc_buf_free(&accepts);
	mc_procedure_desc_free(d);
	return error;
}

void motcua_procedure_list_free(motcua_procedure_info *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i].code);
		free(list[i].name);
		free(list[i].online);
		free(list[i].result_type);
		free(list[i].process_id);
	}
	free(list);
}

int motcua_procedure_list(motcua_procedure_info **out, size_t *count, motcua_ctx *ctx)
{
	static const char sql[] =
		"SELECT procedure.code, procedure.name, time_limit, limit_unit, fee, online,"
		" result_type, process.process_id FROM procedure"
		" JOIN process ON process.hash = procedure.process_hash ORDER BY procedure.code";
	motcua_procedure_info *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int error;

	*out = NULL;
	*count = 0;
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	while (sqlite3_step(st) == SQLITE_ROW) {
		motcua_procedure_info *p;

		if (n == cap) {
			void *grown = realloc(list, (cap = cap ? cap * 2 : 8) * sizeof(*list));

			if (!grown) {
				sqlite3_reset(st);
				motcua_procedure_list_free(list, n);
				return mc_error_oom();
			}
			list = grown;
		}
		p = &list[n++];
		p->code = mc_store_col_dup(st, 0);
		p->name = mc_store_col_dup(st, 1);
		p->limit = (unsigned int)sqlite3_column_int(st, 2);
		p->unit = strcmp((const char *)sqlite3_column_text(st, 3), "working-hours") == 0 ?
			"working-hours" : "working-days";
		p->fee = sqlite3_column_int64(st, 4);
		p->online = mc_store_col_dup(st, 5);
		p->result_type = mc_store_col_dup(st, 6);
		p->process_id = mc_store_col_dup(st, 7);
	}
	sqlite3_reset(st);
	*out = list;
	*count = n;
	return 0;
}

int motcua_workflow_check(const char *path)
{
	size_t n = strlen(path);
	int error;

	if (n > 14 && strcmp(path + n - 14, ".procedure.xml") == 0) {
		mc_procedure_desc *d = NULL;
		mc_process *p = NULL;

		if ((error = mc_procedure_load_file(&d, path)) == 0)
			error = mc_bpmn_load_file(&p, d->process_file);
		mc_process_free(p);
		mc_procedure_desc_free(d);
		return error;
	} else {
		mc_process *p = NULL;

		error = mc_bpmn_load_file(&p, path);
		mc_process_free(p);
		return error;
	}
}
