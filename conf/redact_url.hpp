// Hides the credentials of a URL before it is printed (logs, configuration errors, --check-config).
#pragma once

#include <string>
#include <string_view>

namespace conf {

// "redis://user:pw@host:6379/0" -> "redis://user:***@host:6379/0", "redis://pw@host" -> "redis://***@host".
// The authority ends at the first '/', and credentials end at its last '@': the same split as
// parse_redis_url, so what the parser would use as a password is what gets hidden. Text without
// "scheme://" is treated as an authority too, since a mistyped URL may still carry a password.
std::string redact_url(std::string_view url);

}  // namespace conf
