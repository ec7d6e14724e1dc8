-- wrk script: POST /report with the bench's body (BENCH_BODY from the environment).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
