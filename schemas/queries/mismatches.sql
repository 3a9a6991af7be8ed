-- title: Mismatches, worst first
-- description: Every inconsistency with its document, section, quote, stated and expected values and
--   the latest review decision. Dismissed ones are left out unless $include_dismissed is true.
-- param: include_dismissed = false | also list the mismatches an auditor dismissed
-- example: baocao mismatches --db corpus.duckdb --format csv
SELECT
    check_id, doc_id, path, issuer, province, issued_date, section_path, rule, stated, expected,
    tolerance, operands, message_vi, message_en, quote, char_start, char_end, page, severity,
    review_decision, review_note
FROM mismatches
WHERE $include_dismissed OR coalesce(review_decision, '') <> 'dismissed'
ORDER BY severity DESC NULLS LAST, path, char_start;
