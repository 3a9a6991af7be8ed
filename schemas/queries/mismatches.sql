-- title: Mismatches, worst first
-- description: Every inconsistency with its document, page, section (labels and heading text), quote,
--   stated and expected values and the latest review decision, worst first. Filters narrow the list:
--   $doc is a doc_id or part of the file path, $province part of the province name (accents optional),
--   $rule one rule, $status the verdict ("" for every check), $review the auditor's decision (open =
--   none yet; "" = all but dismissed, or all when $include_dismissed is true), $limit the number of rows.
-- param: include_dismissed = false | also list the mismatches an auditor dismissed
-- param: doc = "" | doc_id or part of the path ("" = every document)
-- param: province = "" | part of the province name, accents optional ("" = every province)
-- param: rule = "" | one rule, e.g. sum_parts ("" = every rule)
-- param: status = "mismatch" | the verdict to list: mismatch, unverifiable, ok ("" = all)
-- param: review = "" | open, confirmed or dismissed ("" = all but dismissed)
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
)
SELECT
    c.check_id, c.doc_id, d.path, d.issuer, d.province, d.issued_date, s.path AS section_path,
    t.section_trail, c.rule, c.status, c.stated, c.expected, c.tolerance, c.operands, c.message_vi,
    c.message_en, c.quote, c.char_start, c.char_end, c.page, c.severity,
    lr.decision AS review_decision, lr.note AS review_note
FROM checks c
JOIN documents d USING (doc_id)
LEFT JOIN sections s ON s.doc_id = c.doc_id AND s.section_id = c.section_id
LEFT JOIN trail t ON t.doc_id = c.doc_id AND t.section_id = c.section_id
LEFT JOIN latest_reviews lr ON lr.check_id = c.check_id
WHERE ($status = '' OR c.status = $status)
  AND ($doc = '' OR d.doc_id = $doc OR d.path ILIKE '%' || $doc || '%')
  AND ($province = '' OR replace(replace(strip_accents(coalesce(d.province, '')), 'Đ', 'D'), 'đ', 'd')
       ILIKE '%' || replace(replace(strip_accents($province), 'Đ', 'D'), 'đ', 'd') || '%')
  AND ($rule = '' OR c.rule = $rule)
  AND CASE $review
        WHEN '' THEN $include_dismissed OR coalesce(lr.decision, '') <> 'dismissed'
        WHEN 'open' THEN lr.decision IS NULL
        ELSE lr.decision = $review
      END
ORDER BY c.severity DESC NULLS LAST, d.path, c.char_start
LIMIT CASE WHEN $limit > 0 THEN $limit END;
