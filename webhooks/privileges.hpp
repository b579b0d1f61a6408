// Running as root is refused unless the process is told which user to become.
#pragma once

#include <string>

namespace webhooks {

// Switches to `user` (its primary group and supplementary groups). False with `error` set on failure,
// including when root could be regained afterwards.
bool drop_privileges(const std::string& user, std::string& error);

// True when `user` names an account with uid 0: switching to it keeps every privilege, so it is
// refused like running as root.
bool is_root_account(const std::string& user);

}  // namespace webhooks
