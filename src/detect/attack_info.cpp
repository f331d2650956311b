// How each attack type is filed in an alert. The categories are Suricata's
// classtype descriptions (classification.config), so rules and dashboards
// keyed on them treat Vigil's alerts like Suricata's; severity follows
// Suricata's scale, 1 (high) to 3 (low).
#include <algorithm>
#include <cctype>
#include <map>

#include "vigil/detect/alerts.hpp"

namespace vigil::detect {

AttackInfo attack_info(const std::string& class_name) {
  // Keys are lower case without spaces, dashes or underscores.
  static const std::map<std::string, AttackInfo> kKnown = {
      // UNSW-NB15's nine attack types.
      {"exploits", {"Attempted Administrator Privilege Gain", 1}},
      {"backdoor", {"A Network Trojan was detected", 1}},
      {"backdoors", {"A Network Trojan was detected", 1}},
      {"shellcode", {"Executable code was detected", 1}},
      {"worms", {"A Network Trojan was detected", 1}},
      {"dos", {"Attempted Denial of Service", 2}},
      {"generic", {"Misc Attack", 2}},
      {"fuzzers", {"Misc Attack", 2}},
      {"reconnaissance", {"Detection of a Network Scan", 3}},
      {"analysis", {"Attempted Information Leak", 3}},
      // The binary label, and common names in other flow datasets (CIC-IDS, TON_IoT).
      {"attack", {"Misc Attack", 2}},
      {"ddos", {"Attempted Denial of Service", 2}},
      {"portscan", {"Detection of a Network Scan", 3}},
      {"scanning", {"Detection of a Network Scan", 3}},
      {"bot", {"A Network Trojan was detected", 1}},
      {"botnet", {"A Network Trojan was detected", 1}},
      {"infiltration", {"Successful Administrator Privilege Gain", 1}},
      {"bruteforce", {"Attempted User Privilege Gain", 2}},
      {"password", {"Attempted User Privilege Gain", 2}},
      {"injection", {"Web Application Attack", 1}},
      {"xss", {"Web Application Attack", 2}},
      {"ransomware", {"A Network Trojan was detected", 1}},
      {"mitm", {"Potential Corporate Privacy Violation", 2}},
      // What a hybrid's anomaly detector raises: traffic unlike the benign
      // training rows that no known attack type describes.
      {"unknown/anomaly", {"Potentially Bad Traffic", 2}},
  };
  std::string key;
  for (unsigned char c : class_name) {
    if (c != ' ' && c != '-' && c != '_') key += static_cast<char>(std::tolower(c));
  }
  const auto it = kKnown.find(key);
  return it != kKnown.end() ? it->second : AttackInfo{"Misc Attack", 2};
}

}  // namespace vigil::detect
