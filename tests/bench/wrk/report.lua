-- Shared by every benchmark script: after the run, one parseable line
-- with the counts and the latency percentiles (microseconds), which
-- run.py reads instead of wrk's human-readable summary.

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("BENCH requests=%d duration_us=%d " ..
	    "connect=%d read=%d write=%d status=%d timeout=%d " ..
	    "p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
	    summary.requests, summary.duration, e.connect, e.read, e.write,
	    e.status, e.timeout, latency:percentile(50),
	    latency:percentile(90), latency:percentile(99),
	    latency:percentile(99.9), latency.max, latency.mean))
end

-- Lines of a file named by an environment variable, e.g. slugs or paths.
function bench_lines(var)
	local name = assert(os.getenv(var), var .. " is not set")
	local list = {}
	for line in assert(io.open(name)):lines() do
		if line ~= "" then
			list[#list + 1] = line
		end
	end
	assert(#list > 0, name .. " is empty")
	return list
end
