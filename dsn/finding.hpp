// One failed (or delayed) recipient as a decoder found it, before classification turns it into
// a dsn::Event. Decoders fill what their format carries and leave the rest empty.
#pragma once

#include <string>

namespace dsn {

struct Finding {
    std::string recipient;         // normalized addr-spec
    std::string action = "failed"; // failed | delayed | delivered | relayed | expanded
    std::string status;            // enhanced status code
    std::string reply_code;        // SMTP reply code
    std::string diagnostic;        // one line of remote reply or explanation
    std::string diagnostic_type;   // "smtp", "x-unix", ... lower case; "local" = a local delivery agent spoke
    std::string remote_mta;
    std::string reporting_mta;
    std::string smtp_command;      // MAIL / RCPT / DATA when the format names it
    std::string reason;            // set only when the dialect itself knows the reason
    std::string feedback_type;     // ARF reports
};

}  // namespace dsn
