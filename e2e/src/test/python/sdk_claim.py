"""Claims a sandbox from a warm pool with the upstream Python SDK, as an agent platform would.

Usage: sdk_claim.py NAMESPACE WARMPOOL TIMEOUT_SECONDS [--claim-name NAME] [--hold]

Reads the cluster from KUBECONFIG. Prints one JSON line describing what the SDK received:
  {"claim", "sandbox", "podName", "podIP", "nameHash", "status", "message"}
then deletes the claim through the SDK and prints a second JSON line:
  {"deleted": <claim name>, "claimAfterDelete": "absent" | "terminating" | "present"}
With --hold it reads one line from stdin between the two, so that a caller can inspect the
cluster while the sandbox is still claimed. Exits non-zero (the SDK's error on stderr) when the
claim fails; the SDK's own log goes to stderr.
"""

import argparse
import json
import logging
import sys

from k8s_agent_sandbox import SandboxClient
from k8s_agent_sandbox.models import SandboxDirectConnectionConfig


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("namespace")
    parser.add_argument("warmpool")
    parser.add_argument("timeout", type=int)
    parser.add_argument("--claim-name", default="sdk-claim")
    parser.add_argument("--hold", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO)

    # No traffic is sent to the sandbox (KWOK pods run no processes), so the connection target
    # is never dialled; the claim, the wait for Ready and the status reads are what is tested.
    client = SandboxClient(
        connection_config=SandboxDirectConnectionConfig(api_url="http://127.0.0.1:9")
    )
    sandbox = client.create_sandbox(
        warmpool=args.warmpool,
        namespace=args.namespace,
        sandbox_ready_timeout=args.timeout,
        claim_name=args.claim_name,
    )
    state, message = sandbox.status()
    result = {
        "claim": args.claim_name,
        "sandbox": sandbox.sandbox_id,
        "podName": sandbox.get_pod_name(),
        "podIP": sandbox.get_pod_ip(),
        "nameHash": sandbox.get_sandbox_name_hash(),
        "status": state,
        "message": message,
    }
    print(json.dumps(result), flush=True)
    if args.hold:
        sys.stdin.readline()

    client.delete_sandbox(args.claim_name, args.namespace)
    claim = client.k8s_helper.get_sandbox_claim(args.claim_name, args.namespace)
    if claim is None:
        after = "absent"
    elif (claim.get("metadata") or {}).get("deletionTimestamp"):
        after = "terminating"
    else:
        after = "present"
    print(json.dumps({"deleted": args.claim_name, "claimAfterDelete": after}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
