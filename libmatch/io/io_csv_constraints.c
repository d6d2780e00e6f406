/* The constraints file (docs/formats.md): CSV with the header kind,a,b and
 * one constraint a row, together / apart / pin / exclude. All or nothing:
 * a bad row or a contradiction leaves the constraints as they were. */
#include <stdio.h>
#include <string.h>

#include "common/files_internal.h"
#include "io/csv_internal.h"
#include "model/constraints_internal.h"
#include "model/model_internal.h"

enum { CCOL_KIND, CCOL_A, CCOL_B, CONSTRAINT_COLUMNS };

static const char *const constraint_columns[CONSTRAINT_COLUMNS] = {"kind", "a", "b"};

#define EXCERPT 100

typedef struct constraint_loader {
    lm_constraints *constraints;
    const char *name;
    lm_csv csv;
    int field_of[CONSTRAINT_COLUMNS];
    int name_of_field[LM_CSV_MAX_FIELDS];
} constraint_loader;

static int fail_at(constraint_loader *l, int status, const char *column, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_at(constraint_loader *l, int status, const char *column, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    status = lm__csv_fail_at(&l->constraints->base, l->name, &l->csv, status, column, format,
                             args);
    va_end(args);
    return status;
}

static char *value(constraint_loader *l, int column)
{
    return lm__csv_value(&l->csv, l->field_of[column] >= 0 ? (size_t)l->field_of[column]
                                                           : LM_CSV_MAX_FIELDS);
}

/* The kind named by text (ASCII case-insensitive), or -1. */
static int kind_of(const char *text)
{
    for (int kind = LM_CONSTRAINT_TOGETHER; kind <= LM_CONSTRAINT_EXCLUDE; kind++) {
        const char *name = lm_constraint_kind_name((lm_constraint_kind)kind);
        size_t k = 0;
        while (name[k] && text[k] && (text[k] | 0x20) == name[k])
            k++;
        if (!name[k] && !text[k])
            return kind;
    }
    return -1;
}

static int person(constraint_loader *l, int column, size_t *index)
{
    char excerpt[EXCERPT + 4];
    const char *id = value(l, column);
    const char *name = constraint_columns[column];
    if (!id[0])
        return fail_at(l, LM_E_PARSE, name, "missing participant id");
    long found = lm__pool_lookup(l->constraints->pool, id);
    if (found < 0 || (size_t)found >= l->constraints->people)
        return fail_at(l, LM_E_NOTFOUND, name, "unknown participant '%s'",
                       lm__csv_excerpt(id, EXCERPT, excerpt));
    *index = (size_t)found;
    return LM_OK;
}

static int read_row(constraint_loader *l, size_t header_fields)
{
    if (l->csv.field_count != header_fields)
        return fail_at(l, LM_E_PARSE, NULL, "%zu fields where the header has %zu",
                       l->csv.field_count, header_fields);
    char excerpt[EXCERPT + 4];
    const char *text = value(l, CCOL_KIND);
    int kind = kind_of(text);
    if (kind < 0)
        return fail_at(l, LM_E_NOTFOUND, "kind",
                       "unknown kind '%s' (together, apart, pin, exclude)",
                       lm__csv_excerpt(text, EXCERPT, excerpt));
    size_t a = 0, b = 0;
    int status = person(l, CCOL_A, &a);
    if (status != LM_OK)
        return status;
    if (kind == LM_CONSTRAINT_TOGETHER || kind == LM_CONSTRAINT_APART) {
        status = person(l, CCOL_B, &b);
        if (status != LM_OK)
            return status;
        if (a == b)
            return fail_at(l, LM_E_PARSE, "b", "'%s' cannot be %s with themselves",
                           lm_pool_id(l->constraints->pool, a), text);
    } else if (kind == LM_CONSTRAINT_PIN) {
        const char *group = value(l, CCOL_B);
        uint64_t number;
        if (!lm__parse_uint(group, &number) || number > SIZE_MAX)
            return fail_at(l, LM_E_PARSE, "b", "group '%s' is not a whole number",
                           lm__csv_excerpt(group, EXCERPT, excerpt));
        b = (size_t)number;
    }
    /* a contradiction's message names this file and the lines */
    return lm__constraints_append(l->constraints, (lm_constraint_kind)kind, a, b,
                                  l->csv.record_line, &l->constraints->base);
}

static int read_constraints(constraint_loader *l)
{
    lm_object *error = &l->constraints->base;
    bool record = false;
    char message[LM_ERRMSG_MAX];
    int status = lm__csv_start(&l->csv, constraint_columns, CONSTRAINT_COLUMNS, l->field_of,
                               l->name_of_field, message);
    if (status != LM_OK)
        return lm__fail(error, status, "%s %s", l->name, message);
    for (int n = 0; n < CONSTRAINT_COLUMNS; n++)
        if (l->field_of[n] < 0)
            return fail_at(l, LM_E_PARSE, NULL, "missing required column '%s' (kind,a,b)",
                           constraint_columns[n]);
    size_t header_fields = l->csv.field_count;
    for (;;) {
        status = lm__csv_next(&l->csv, &record);
        if (status != LM_OK)
            return lm__fail(error, status, "%s %s", l->name, l->csv.error);
        if (!record)
            return LM_OK;
        if (lm__csv_blank(&l->csv))
            continue;
        status = read_row(l, header_fields);
        if (status != LM_OK)
            return status;
    }
}

int lm_constraints_load_csv_buffer(lm_constraints *constraints, const char *name,
                                   const char *data, size_t size)
{
    if (!constraints)
        return LM_E_INVALID;
    if (!data && size)
        return lm__fail(&constraints->base, LM_E_INVALID, "no data");
    constraint_loader *l = lm__calloc(1, sizeof *l);
    if (!l)
        return lm__fail(&constraints->base, LM_E_NOMEM, "out of memory");
    l->constraints = constraints;
    l->name = name ? name : "input";
    size_t before = constraints->count;
    int status = lm__constraints_file(constraints, l->name);
    if (status != LM_OK) {
        lm__free(l);
        return lm__fail(&constraints->base, status, "out of memory");
    }
    status = lm__csv_init(&l->csv, data, size);
    if (status != LM_OK)
        lm__fail(&constraints->base, status, "%s: %s", l->name, l->csv.error);
    else
        status = read_constraints(l);
    if (status == LM_OK) {
        lm__clear_error(&constraints->base);
    } else if (lm__constraints_truncate(constraints, before) != LM_OK) {
        /* the rebuild of the earlier constraints ran out of memory */
        status = lm__fail(&constraints->base, LM_E_NOMEM, "out of memory");
    }
    lm__csv_free(&l->csv);
    lm__free(l);
    return status;
}

int lm_constraints_load_csv(lm_constraints *constraints, const char *path)
{
    if (!constraints)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&constraints->base, LM_E_INVALID, "no path");
    lm_file_bytes file;
    int status = lm__file_read(path, LM_CSV_MAX_FILE, &file, &constraints->base);
    if (status == LM_OK)
        status = lm_constraints_load_csv_buffer(constraints, path, (const char *)file.data,
                                                file.size);
    lm__file_bytes_free(&file);
    return status;
}
