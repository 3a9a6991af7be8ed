-- title: All checks of one document
-- description: Every relation found in one report, in reading order, with its verdict, the computation
--   message, the section and the latest review. $doc is a doc_id or any part of the file path
--   (case-insensitive); the empty default lists every document.
-- param: doc = "" | doc_id or part of the path ("" = all documents)
-- example: queries.run_named(con, "document_checks", doc="phong_dien")
SELECT
    d.path, c.check_id, c.rule, c.status, c.stated, c.expected, c.tolerance, c.operands,
    c.message_vi, c.message_en, c.reason, s.path AS section_path, c.page, c.quote,
    c.char_start, c.char_end, lr.decision AS review_decision, lr.note AS review_note
FROM checks c
JOIN documents d USING (doc_id)
LEFT JOIN sections s ON s.doc_id = c.doc_id AND s.section_id = c.section_id
LEFT JOIN latest_reviews lr USING (check_id)
WHERE $doc = '' OR d.doc_id = $doc OR d.path ILIKE '%' || $doc || '%'
ORDER BY d.path, c.char_start, c.rule;
