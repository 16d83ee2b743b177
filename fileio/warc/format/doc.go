// Package warc, in fileio/warc/format, is the WARC format without file
// systems: records, their fields and HTTP messages, and the Reader and
// Writer of streams. Package fileio/warc declares the same names as
// aliases and adds Open and ReadRecordAt, which read any path fileio
// understands (local, S3, HTTP); programs import that one. This one exists
// so that code which only handles records (the functions a notebook cell
// passes to RDD methods, compiled into plugins) does not link the file
// systems and their SDKs: a plugin of such functions imports it under
// warc's name.
package warc
