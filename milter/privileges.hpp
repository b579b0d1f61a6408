// Running as root is refused unless told where to drop to (`user`) or explicitly allowed.
#pragma once

#include <string>

namespace milter {

// Switches to `user` and its groups (supplementary groups first, then gid, then uid) and verifies that
// root cannot be regained. Throws std::runtime_error on any failure.
void drop_privileges(const std::string& user);

// True when `user` names an account with uid 0 ("root", or an alias of it): dropping to it keeps
// every privilege, so it is refused like running as root.
bool is_root_account(const std::string& user);

}  // namespace milter
