import type { Phase } from './faq-types.ts';

// Words that place a question in an install phase, most specific first.
const CLUES: [Phase, RegExp][] = [
  ['bootstrap', /\b(bootstrap|localhost\.yml|ansible|playbook|docker_registries|dns_servers)\b/i],
  ['unlock', /\b(host-unlock|unlock(ed|ing)?|locked)\b/i],
  ['first-login', /\b(first login|login incorrect|sysadmin password|password change)\b/i],
  ['configure', /\b(host-if|interface-network|osd|storage|ceph|datanetwork|host-label)\b/i],
  ['applications', /\b(application-apply|stx-openstack|helm|imagepullbackoff|pod|deployment\.yaml)\b/i],
  ['verify', /\b(kubectl|fm alarm|alarm-list|host-list|verify)\b/i],
  ['install', /\b(iso|pxe|installer|kickstart|grub|boot menu|usb)\b/i],
  ['host-prep', /\b(virtualbox|libvirt|virt-manager|vt-x|bios|hypervisor|kvm)\b/i],
];

/** The install phase a free-text question most likely belongs to (reviewers can change it). */
export function guessPhase(text: string): Phase {
  for (const [phase, re] of CLUES) if (re.test(text)) return phase;
  return 'install';
}
