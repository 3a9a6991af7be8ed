-- title: Mismatches, worst first
-- description: Every inconsistency with its document, page, section (labels and heading text), quote
--   (with up to 80 characters of text either side),
--   stated and expected values and the latest review decision, worst first. A report stored as
--   several files (a signed PDF, its DOCX, a scan: documents.report_key) has the findings of its
--   best-read file (text, DOCX, text-layer PDF, OCR: the view report_primary, which every count uses),
--   with `files` listing every file the finding appears in ($per_report false lists every file's own
--   rows, a scan's misreadings included); a decision on one copy holds for all. Filters narrow the list: $doc is a doc_id
--   or part of the file path, $province part of the province name (accents optional), $rule one rule,
--   $status the verdict ("" for every check), $review the auditor's decision (open = none yet; "" =
--   all but dismissed, or all when $include_dismissed is true), $limit the number of rows.
-- param: include_dismissed = false | also list the mismatches an auditor dismissed
-- param: doc = "" | doc_id or part of the path ("" = every document)
-- param: province = "" | part of the province name, accents optional ("" = every province)
-- param: rule = "" | one rule, e.g. sum_parts ("" = every rule)
-- param: status = "mismatch" | the verdict to list: mismatch, unverifiable, ok ("" = all)
-- param: review = "" | open, confirmed or dismissed ("" = all but dismissed)
-- param: per_report = true | one row per finding of a report, not one per file
-- param: limit = 0 | at most this many rows (0 = all)
-- example: baocao mismatches --db corpus.duckdb --province "dak lak" --rule sum_parts --limit 5
WITH trail AS (
    SELECT
        s.doc_id, s.section_id,
        string_agg(a.label || coalesce(' ' || nullif(a.heading, ''), ''), ' > ' ORDER BY a.level) AS section_trail
    FROM sections s
    JOIN sections a ON a.doc_id = s.doc_id AND (
        a.section_id = s.section_id
        OR (starts_with(s.path, a.path || ' > ') AND a.char_start <= s.char_start AND a.char_end >= s.char_end))
    GROUP BY ALL
), found AS (
    SELECT
        c.*, d.path, d.issuer, d.province, d.issued_date, d.source_kind,
        coalesce(d.report_key, d.doc_id) AS report_key,
        round(c.stated, 6) AS stated6, round(c.expected, 6) AS expected6,
        substr(d.text, greatest(c.char_start - 80, 0) + 1, c.char_start - greatest(c.char_start - 80, 0))
            AS context_before,
        substr(d.text, c.char_end + 1, 80) AS context_after,
        lr.decision, lr."at" AS decided_at, lr.note
    FROM checks c
    JOIN documents d USING (doc_id)
    LEFT JOIN latest_reviews lr ON lr.check_id = c.check_id
), copies AS (
    SELECT
        report_key, rule, status, stated6, expected6,
        list(DISTINCT path ORDER BY path) AS files,
        arg_max(decision, decided_at) FILTER (WHERE decision IS NOT NULL) AS review_decision,
        arg_max(note, decided_at) FILTER (WHERE decision IS NOT NULL) AS review_note
    FROM found
    GROUP BY ALL
)
SELECT
    f.check_id, f.doc_id, f.report_key, f.path, f.issuer, f.province, f.issued_date,
    s.path AS section_path, t.section_trail, f.rule, f.status, f.stated, f.expected, f.tolerance,
    f.operands, f.message_vi, f.message_en, f.quote, f.context_before, f.context_after, f.char_start,
    f.char_end, f.page, f.severity,
    cp.review_decision, cp.review_note, cp.files, len(cp.files) AS n_files
FROM found f
JOIN copies cp ON cp.report_key = f.report_key AND cp.rule = f.rule AND cp.status = f.status
    AND cp.stated6 IS NOT DISTINCT FROM f.stated6 AND cp.expected6 IS NOT DISTINCT FROM f.expected6
LEFT JOIN sections s ON s.doc_id = f.doc_id AND s.section_id = f.section_id
LEFT JOIN trail t ON t.doc_id = f.doc_id AND t.section_id = f.section_id
WHERE ($status = '' OR f.status = $status)
  AND ($doc = '' OR f.doc_id = $doc OR f.path ILIKE '%' || $doc || '%')
  AND ($province = '' OR replace(replace(strip_accents(coalesce(f.province, '')), 'Đ', 'D'), 'đ', 'd')
       ILIKE '%' || replace(replace(strip_accents($province), 'Đ', 'D'), 'đ', 'd') || '%')
  AND ($rule = '' OR f.rule = $rule)
  AND CASE $review
        WHEN '' THEN $include_dismissed OR coalesce(cp.review_decision, '') <> 'dismissed'
        WHEN 'open' THEN cp.review_decision IS NULL
        ELSE cp.review_decision = $review
      END
  -- a report's findings are those of its best-read file, as every count of the database has them
  -- (report_primary); a copy's own reading (a scan's misread figure) is listed with $per_report false
  AND (NOT $per_report OR f.doc_id IN (SELECT doc_id FROM report_primary))
ORDER BY f.severity DESC NULLS LAST, f.path, f.char_start
LIMIT CASE WHEN $limit > 0 THEN $limit END;
