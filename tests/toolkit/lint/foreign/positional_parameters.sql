-- name: enqueue
INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES ($1, $2, $3) RETURNING id;
-- name: fetch
SELECT id FROM procrastinate_jobs WHERE queue_name = $1 FOR UPDATE SKIP LOCKED LIMIT $2;
PREPARE finish (bigint) AS UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = $1;
