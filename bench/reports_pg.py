"""The reports benchmark's history on PostgreSQL: the same rows as SQLite's, in its own SQL."""

from __future__ import annotations

HISTORY = """
INSERT INTO callback_request (id, queue, number, channel, state, language, priority,
    virtual_start, due_at, attempts, contexts, entered_line_at, fence, created_at, updated_at,
    finished_at, promise_announced_at, promise_wait_s, promise_low_s, promise_high_s, promise_by)
SELECT 1000000000 + i, CASE i % 3 WHEN 0 THEN 'sales' ELSE 'support' END,
    '+1666' || lpad(i::text, 7, '0'), CASE i % 4 WHEN 0 THEN 'ivr' ELSE 'web' END,
    CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'completed' END, 'en', 0,
    t - interval '240 seconds', t - interval '240 seconds', 1,
    CASE WHEN i % 10 = 1 THEN ('[{"data": {"survey_rating": ' || (i % 5 + 1) || '}}]')::json
         ELSE '[]'::json END,
    t - interval '240 seconds', 1, t - interval '300 seconds', t, t,
    t - interval '240 seconds', 60.0, 30.0, 120.0, t - interval '120 seconds'
FROM generate_series(1, :count) AS i,
    LATERAL (SELECT :now - i::bigint * :step * interval '1 microsecond' AS t) AS s
"""
ATTEMPTS = """
INSERT INTO dial_attempt (request_id, fence, queue, number, claimed_at, lease_until, ended_at,
    outcome)
SELECT id, 1, queue, number, due_at + (id % 120) * interval '1 second',
    due_at + interval '90 seconds', finished_at, 'connected'
FROM callback_request WHERE state = 'completed'
"""
HELD = """
INSERT INTO held_call (call_sid, queue, queue_sid, language, priority, virtual_start, state,
    fence, joined_at, updated_at, ended_at)
SELECT 'CA' || lpad(i::text, 32, '0'), CASE i % 3 WHEN 0 THEN 'sales' ELSE 'support' END, 'QU1',
    'en', 0, t - interval '60 seconds',
    CASE i % 4 WHEN 0 THEN 'abandoned' WHEN 1 THEN 'left' ELSE 'served' END, 0,
    t - interval '60 seconds', t, t
FROM generate_series(1, :count) AS i,
    LATERAL (SELECT :now - i::bigint * :step * 10 * interval '1 microsecond' AS t) AS s
"""
