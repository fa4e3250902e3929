// The mailshares of the scale benchmark and of the request-count tests: N generated mailshares,
// each with 2 aliases, 3 shares (seed users and groups), an auto-reply, 3 filter rules and one
// identity — the shape a large domain's mailshares have.

/** The YAML text of `count` generated mailshares on the emulator's default domain. */
export function scaleYaml(count: number, owner = "bench/mailshares.yaml"): string {
  const lines = ["domain: acme.test", `owner: ${owner}`, "mailshares:"];
  for (let i = 0; i < count; i++) {
    const name = `bench-${String(i).padStart(5, "0")}`;
    lines.push(
      `  - name: ${name}`,
      `    displayName: Bench ${i}`,
      `    email: ${name}@acme.test`,
      `    aliases: [${name}-a@acme.test, ${name}-b@acme-corp.test]`,
      "    shares:",
      "      - { user: alice@acme.test, level: manage }",
      "      - { group: support-team, level: write }",
      "      - { user: bob, level: read }",
      "    autoReply:",
      "      start: 2026-12-24",
      "      end: 2027-01-02",
      `      subject: ${name} is closed`,
      "      message: Back on January 2.",
      "    filters:",
      "      - name: spam",
      "        conditions: [{ header: X-Spam-Flag, op: is, value: \"YES\" }]",
      "        actions: [{ moveTo: Junk }]",
      "      - name: invoices",
      "        conditions: [{ field: subject, op: contains, value: invoice }]",
      "        actions: [{ moveTo: Invoices }]",
      "      - name: urgent",
      "        conditions: [{ field: subject, op: contains, value: URGENT }]",
      "        actions: [{ markAsImportant: true }]",
      "        stop: false",
      "    identities:",
      `      - { name: ${name}, displayName: Bench ${i}, email: ${name}@acme.test, signature: "Bench ${i}", default: true }`,
    );
  }
  return lines.join("\n") + "\n";
}
