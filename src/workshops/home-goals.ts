import type { Content } from '../content/content-loader.ts';

/** A link of a home card: named by what it leads to, so it always says where it goes. */
type Target = { workshop: string } | { guide: string } | { path: string } | { href: string; label: string };

interface Goal {
  title: string;
  text: string;
  links: Target[];
}

/** "What do you want to do?": each goal leads to the content that does it. */
const GOALS: Goal[] = [
  {
    title: 'Try it on my laptop or one server',
    text: 'All-in-one Simplex (AIO-SX): one host runs everything. The usual first install, on virtual machines or on a real server.',
    links: [{ workshop: 'aio-simplex-virtual' }, { guide: 'bare-metal-aio-sx' }],
  },
  {
    title: 'Run Kubernetes workloads at the edge',
    text: 'Install AIO-SX, then deploy, expose and scale your first application with kubectl. AIO-DX adds a second host for redundancy.',
    links: [{ workshop: 'first-kubernetes-app' }, { workshop: 'aio-duplex-virtual' }],
  },
  {
    title: 'OpenStack',
    text: 'OpenStack runs as a containerized application (stx-openstack) on top of the Kubernetes platform; it needs more memory and CPU.',
    links: [{ workshop: 'openstack-aio-sx' }, { guide: 'how-starlingx-fits' }],
  },
  {
    title: 'Many sites',
    text: 'Distributed Cloud: a central System Controller manages many subclouds, each an AIO-SX, AIO-DX or Standard system.',
    links: [{ guide: 'distributed-cloud' }, { guide: 'choose-your-deployment' }],
  },
  {
    title: 'An offline site or a slow link',
    text: 'Bootstrap from a private registry mirror and set proxies before you start.',
    links: [{ workshop: 'registry-mirror' }],
  },
  {
    title: 'Contribute code or docs',
    text: 'Send your first change through Gerrit, or add the answer to an install problem to the troubleshooting FAQ; maintainers review every entry.',
    links: [{ workshop: 'contributor-first-change' }, { href: '/faq/new', label: 'Write a troubleshooting entry' }],
  },
];

/** The goals with their links resolved against the loaded content; a link to content that is not there is left out. */
export function homeGoals(content: Content) {
  const resolve = (t: Target): { href: string; label: string } | undefined => {
    if ('href' in t) return t;
    if ('workshop' in t) return content.workshops.has(t.workshop) ? { href: `/workshops/${t.workshop}`, label: content.workshops.get(t.workshop)!.title } : undefined;
    if ('guide' in t) return content.guides.has(t.guide) ? { href: `/guides/${t.guide}`, label: content.guides.get(t.guide)!.title } : undefined;
    return content.paths.has(t.path) ? { href: `/paths/${t.path}`, label: content.paths.get(t.path)!.title } : undefined;
  };
  return GOALS.map((g) => ({ ...g, links: g.links.flatMap((t) => resolve(t) ?? []) })).filter((g) => g.links.length > 0);
}

/** The hero's first button: the guided install, or else the first workshop there is. */
export function startWorkshop(content: Content) {
  return content.workshops.get('aio-simplex-virtual') ?? content.workshops.values().next().value;
}
