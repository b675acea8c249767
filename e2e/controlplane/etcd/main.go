// Command etcd is the etcd server, built from its Go module for Paddock's
// local control plane (see ../build.sh). It is the same entry point as the
// upstream etcd binary.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
