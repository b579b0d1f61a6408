// Hides the credentials of a URL before it is printed (logs, configuration errors, --check-config).
#pragma once

#include <string>
#include <string_view>

namespace conf {

// "redis://user:pw@host:6379/0" -> "redis://user:***@host:6379/0", "redis://pw@host" -> "redis://***@host".
// Errs on the side of hiding, because the URLs it is given are often the mistyped ones:
// - userinfo ends at the authority's last '@'; with none there, at the last '@' before any query or
//   fragment, even past a '/' ("redis://u:p/w@h"; in "redis:/u:pw@h" or "redis//u:pw@h", which lack
//   "://", everything before that '@' goes);
// - every query value is hidden ("?password=***&db=***"), and so is a fragment ("#***").
std::string redact_url(std::string_view url);

}  // namespace conf
