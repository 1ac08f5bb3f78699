-- Delivers the event as signed JSON to the configured URL and, with
-- plugins.good-notifier.spin set, keeps computing after the answer.
return {
	name = "good-notifier",
	version = "1.0",
	kind = "notifier",
	init = function(call)
		rollin.log("info", "notifier ready for " .. tostring(rollin.setting("url")))
	end,
	run = function(call)
		local body = rollin.json_encode({ type = call.event.type, id = call.event.id })
		local status, answer = rollin.http("POST", rollin.setting("url"), {
			["Content-Type"] = "application/json",
			["X-Rollin-Signature"] = "sha256=" .. rollin.hmac_sha256_hex(rollin.setting("secret"), body),
		}, body)
		if not status then
			return false, "delivery failed: " .. answer
		end
		if rollin.setting("spin") == "true" then
			while true do end
		end
		if status >= 300 then
			return false, "the receiver answered " .. status .. ": " .. answer
		end
	end,
}
