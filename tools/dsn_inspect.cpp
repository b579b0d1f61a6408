// dsn-inspect: prints what the parser's message model holds for one message (decoded text,
// machine parts, returned headers, which dialect matches). A tool for people adding dialects.
#include "dsn/dialect.hpp"
#include "dsn/message.hpp"
#include "dsn/text.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: dsn-inspect FILE\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto message = dsn::load_message(dsn::text::normalize_newlines(buffer.str()));
    if (!message) {
        std::cout << "no message\n";
        return 1;
    }
    std::cout << "subject: " << message->subject << "\nfrom: " << message->from
              << "\ncontent-type: " << message->content_type << "\nreport-type: " << message->report_type
              << "\ndelivery-status parts: " << message->delivery_status.size()
              << "\nfeedback parts: " << message->feedback_reports.size()
              << "\nreturned message: " << (message->has_returned_message ? "yes" : "no") << "\n";
    for (const auto& dialect : dsn::registered_dialects())
        if (dialect.matches(*message)) std::cout << "matches dialect: " << dialect.name << "\n";
    for (const auto& part : message->delivery_status) std::cout << "--- delivery-status\n" << part << "\n";
    std::cout << "--- returned headers\n";
    for (const auto& field : message->returned_headers.all()) std::cout << field.name << ": " << field.value << "\n";
    std::cout << "--- text\n" << message->text << "\n";
    return 0;
}
