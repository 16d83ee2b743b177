// Package commoncrawl holds the helpers that analyses of Common Crawl need, the Go
// counterparts of what Python users take from publicsuffix, surt, idna, bs4 or resiliparse,
// and warcio, built on golang.org/x/net's publicsuffix, idna and html packages:
//
//   - domains and URL keys as Common Crawl's URL index computes them: RegisteredDomain
//     (url_host_registered_domain), PrivateDomain (url_host_private_domain), SURT
//     (url_surtkey), Host;
//   - HTML: Title, Text (the visible text) and Links (absolute, resolved against the page's
//     URL and its <base href>), each taking a string, with a Bytes variant taking the
//     payload of a record as it is, and ParsePage for all three at once;
//   - records: PageOf parses the HTML payload of a WARC response record, ParseWAT reads a
//     WAT metadata record into a typed WAT (server, title, metas, links and outlinks),
//     ParseRobots reads a robots.txt (its Sitemap lines and its rules);
//   - the CDX API of index.commoncrawl.org: a CDX client that pages, limits and retries,
//     giving Captures that rdd's WarcRecords fetches.
//
// Every function works in notebook cells (import "github.com/gosparkling/gosparkling/commoncrawl")
// and in compiled programs alike.
package commoncrawl
