// Postfix: "Undelivered Mail Returned to Sender", text opening with "This is the mail system at
// host ..." (older: "This is the Postfix program at host ..."), then one "<address>: reason"
// paragraph per recipient; usually followed by an RFC 3464 part, sometimes not.
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {

bool postfix_matches(const Message& message) {
    if (text::icontains(message.subject, "undelivered mail returned to sender")) return true;
    std::string_view head = text_head(message, 512);
    return text::icontains(head, "this is the mail system at host") ||
           text::icontains(head, "this is the postfix program at host");
}

std::vector<Finding> postfix_decode(const Message& message) {
    return decode_address_paragraphs(message.human_text());
}

}  // namespace dsn::dialects
