#include "milter/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace milter {

void drop_privileges(const std::string& user) {
    const passwd* pw = getpwnam(user.c_str());
    if (!pw) throw std::runtime_error("user \"" + user + "\" does not exist");
    const uid_t uid = pw->pw_uid;
    const gid_t gid = pw->pw_gid;
    if (initgroups(user.c_str(), gid) != 0)
        throw std::runtime_error(std::string("initgroups: ") + std::strerror(errno));
    if (setgid(gid) != 0) throw std::runtime_error(std::string("setgid: ") + std::strerror(errno));
    if (setuid(uid) != 0) throw std::runtime_error(std::string("setuid: ") + std::strerror(errno));
    if (uid != 0 && setuid(0) == 0) throw std::runtime_error("privileges could be regained after dropping them");
}

bool is_root_account(const std::string& user) {
    const passwd* pw = getpwnam(user.c_str());
    return pw != nullptr && pw->pw_uid == 0;
}

}  // namespace milter
