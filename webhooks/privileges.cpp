#include "webhooks/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace webhooks {

bool drop_privileges(const std::string& user, std::string& error) {
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
        error = "unknown user '" + user + "'";
        return false;
    }
    if (initgroups(pw.pw_name, pw.pw_gid) != 0 || setgid(pw.pw_gid) != 0 || setuid(pw.pw_uid) != 0) {
        error = "cannot switch to user '" + user + "': " + std::strerror(errno);
        return false;
    }
    if (pw.pw_uid != 0 && setuid(0) == 0) {
        error = "could regain root after switching to '" + user + "'";
        return false;
    }
    return true;
}

bool is_root_account(const std::string& user) {
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd* found = nullptr;
    return getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
           pw.pw_uid == 0;
}

}  // namespace webhooks
