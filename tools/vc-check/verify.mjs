#!/usr/bin/env node
// Checks a verifiable credential from the 学信网 simulation with Digital Bazaar's VC library
// (@digitalbazaar/vc), its Data Integrity proof with the eddsa-jcs-2022 cryptosuite and its
// revocation status with the Bitstring Status List library.
//
//   node tools/vc-check/verify.mjs credential.json
//
// Prints one JSON line ({"verified": ..., "revoked": ..., "error": ...}) and exits 0 only when
// the proof, the validity window and the status all pass. Nothing is loaded from the network
// but the issuer's own site: the did:web document and the status list credential it names.
// JSON-LD contexts come from the installed packages. did:web means https; plain http is used
// only for a loopback host (a test server or `make run` on this machine).

import {readFile} from 'node:fs/promises';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function didWebOrigin(did) {
  // did:web:<host>[%3A<port>] → https://<host>[:<port>] (no path: the site is an origin)
  const match = /^did:web:([^:#/?]+)$/.exec(did);
  if(!match) {
    throw new Error(`not a did:web DID of a site: ${did}`);
  }
  const host = decodeURIComponent(match[1]);
  const scheme = LOOPBACK.has(host.replace(/:\d+$/, '')) ? 'http' : 'https';
  return `${scheme}://${host}`;
}

async function fetchJson(url) {
  const response = await fetch(url, {headers: {accept: 'application/json'}});
  if(!response.ok) {
    throw new Error(`${url} answered ${response.status}`);
  }
  return response.json();
}

function documentLoaderFor(issuerDid) {
  const origin = didWebOrigin(issuerDid);
  let didDocument;
  return async url => {
    if(credentialContexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: credentialContexts.get(url)};
    }
    const [base, fragment] = url.split('#');
    if(base === issuerDid) {
      didDocument ??= await fetchJson(`${origin}/.well-known/did.json`);
      if(didDocument.id !== issuerDid) {
        throw new Error(`the DID document at ${origin} is not ${issuerDid}`);
      }
      if(!fragment) {
        return {contextUrl: null, documentUrl: url, document: didDocument};
      }
      const method = (didDocument.verificationMethod || []).find(m => m.id === url);
      if(!method) {
        throw new Error(`${issuerDid} has no verification method ${url}`);
      }
      return {contextUrl: null, documentUrl: url, document: method};
    }
    if(new URL(url).origin === origin) {
      return {contextUrl: null, documentUrl: url, document: await fetchJson(url)};
    }
    throw new Error(`refused to load ${url}: only the issuer's own site is asked`);
  };
}

async function main() {
  const path = process.argv[2];
  if(!path) {
    console.error('usage: node verify.mjs credential.json');
    process.exit(2);
  }
  const credential = JSON.parse(await readFile(path, 'utf8'));
  const issuer = typeof credential.issuer === 'object' ?
    credential.issuer.id : credential.issuer;
  const documentLoader = documentLoaderFor(issuer);
  const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus
  });
  // checkStatus verifies the status list credential; the bit itself says revoked or not.
  const statuses = result.statusResult?.results || [];
  const revoked = statuses.some(status => status.status === true);
  const error = result.error ?
    (result.error.errors || [result.error]).map(e => e.message).join('; ') :
    (revoked ? 'revoked by its issuer (status list bit set)' : null);
  const verified = result.verified && !revoked;
  console.log(JSON.stringify({verified, revoked, issuer, id: credential.id, error}));
  process.exit(verified ? 0 : 1);
}

main().catch(error => {
  console.log(JSON.stringify({verified: false, error: error.message}));
  process.exit(1);
});
