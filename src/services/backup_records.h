#pragma once
// An account restore brings back, besides files and databases, what the
// backup's saved panel records (panel-records.json) list and the target
// account lacks: its domains, FTP accounts and cron jobs. Each is made
// through its own service, as `caller`, so ownership, names and package
// limits hold as for any request (docs/backups.md "Restore").
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "services/caller.h"
#include "store/db.h"

namespace wsp {

class DomainService;
class FtpService;
class CronService;

struct RecordServices {
    DomainService* domains = nullptr;
    FtpService* ftp = nullptr;
    CronService* cron = nullptr;
};

// The account's panel records as a backup saves them (panel-records.json):
// the account (no password hash, no API key), its domains, databases with
// their users and grants, FTP accounts with their settings, cron jobs.
Result<std::string> saved_records_json(Db& db, const std::string& owner);

// Recreates the items of `saved` (records of account `from`) for account
// `to`; FTP names keep their suffix after the new prefix (alice_up ->
// carol_up) and get a new random password (no hash is saved). What is
// there already is left alone; what cannot be made (a domain another
// account holds, a package limit) is skipped. Returns one line per item
// skipped, saying why.
std::vector<std::string> recreate_records(const RecordServices& services, const Caller& caller,
                                          const boost::json::object& saved, const std::string& from,
                                          const std::string& to);

}  // namespace wsp
